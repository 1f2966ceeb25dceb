/** Shared by the worker fixtures: proves a relative TypeScript import is bundled in. */
export interface FixtureAnswer {
  echo: string;
  upper: string;
  imageWidth?: number;
  inPlaceDir?: string;
  file?: string;
}

export function describeFixture(greeting: string): FixtureAnswer {
  return { echo: greeting, upper: greeting.toUpperCase() };
}
