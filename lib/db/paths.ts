/**
 * Where the Prisma files live. Resolved from the working directory rather than __dirname
 * because this module is also bundled by Next.js, where __dirname is not the source folder.
 * Every entry point (npm scripts, the web server, the scorer, vitest) runs from the project
 * root or below it.
 */
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import type { Engine } from "./engine";

let cachedRoot: string | undefined;

export function projectRoot(): string {
  if (cachedRoot) return cachedRoot;
  let dir = process.cwd();
  for (;;) {
    if (fs.existsSync(path.join(dir, "prisma", "models.prisma"))) return (cachedRoot = dir);
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`No prisma/models.prisma in ${process.cwd()} or above: run from the project folder`);
    dir = parent;
  }
}

/** prisma/sqlite or prisma/postgres: schema.prisma, prisma.config.ts, migrations/. */
export function enginePrismaDir(engine: Engine): string {
  return path.join(projectRoot(), "prisma", engine);
}

export function migrationsDir(engine: Engine): string {
  return path.join(enginePrismaDir(engine), "migrations");
}

export function prismaConfigPath(engine: Engine): string {
  return path.join(enginePrismaDir(engine), "prisma.config.ts");
}

/** The Prisma CLI entry, run with `node` directly (no npx: faster, and never downloads). */
export function prismaCliPath(): string {
  return createRequire(path.join(projectRoot(), "package.json")).resolve("prisma/build/index.js");
}
