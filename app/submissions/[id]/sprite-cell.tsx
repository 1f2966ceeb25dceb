/**
 * One 84x108 portrait of a sheet the scorer stored (samples.png, nearest.png, grid.png: see
 * lib/generation/compose-image-sheet.ts), shown as a CSS sprite so that a whole gallery is one
 * image request. The sheet is scaled to `columns` x `rows` boxes; a background position of p%
 * lines up the p% points of sheet and box, so cell c of n sits at c / (n - 1) * 100%.
 * Pixelated: the portraits are small and shown larger than they are.
 */
export function SpriteCell(props: { src: string; column: number; row: number; columns: number; rows: number; alt: string }) {
  const x = props.columns > 1 ? (props.column / (props.columns - 1)) * 100 : 0;
  const y = props.rows > 1 ? (props.row / (props.rows - 1)) * 100 : 0;
  return (
    <div
      role="img"
      aria-label={props.alt}
      className="aspect-[84/108] w-full rounded-sm bg-stone-200"
      style={{
        backgroundImage: `url(${props.src})`,
        backgroundSize: `${props.columns * 100}% ${props.rows * 100}%`,
        backgroundPosition: `${x}% ${y}%`,
        imageRendering: "pixelated",
      }}
    />
  );
}
