/**
 * A text that cannot start a formula wherever a spreadsheet may start a cell (OWASP CSV
 * injection): at its start and after any separator a locale or import dialog may use (`,` `;`
 * tab `|`), because a program that ignores the quotes and splits `Hax;=1+1;@SUM(1+1)` on `;`
 * would see `=1+1` as a cell. A `'` in front makes such a cell text. Every CSV the site writes
 * passes its free text (names, e-mails, reasons, user agents) through this.
 */
export function neutraliseFormula(s: string): string {
  let out = "";
  let cellStart = true;
  for (const c of s) {
    // A tab both starts a formula-like cell and separates cells: "\t=1" needs two markers.
    if (cellStart && "=+-@\t\r".includes(c)) out += "'";
    out += c;
    cellStart = ",;\t|\r\n".includes(c);
  }
  return out;
}
