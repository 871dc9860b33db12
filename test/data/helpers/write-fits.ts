/**
 * A minimal FITS writer for tests: an empty primary HDU and one BINTABLE of float64 ('1D')
 * columns. Independent of the reader (only the standard's layout: 80-character cards, 2880-byte
 * blocks, big-endian data), so that synthetic bad tables can be made without astropy.
 */
export function fitsTable(extname: string, columns: Record<string, number[]>): Uint8Array {
  const names = Object.keys(columns);
  const nrows = columns[names[0]].length;
  const card = (k: string, v: string | number | boolean) => {
    const val = typeof v === 'string' ? `'${v.padEnd(8)}'` : typeof v === 'boolean' ? (v ? 'T' : 'F') : String(v);
    return `${k.padEnd(8)}= ${typeof v === 'string' ? val.padEnd(20) : val.padStart(20)}`.padEnd(80);
  };
  const header = (cards: string[]) => {
    const text = [...cards, 'END'.padEnd(80)].join('');
    return text.padEnd(Math.ceil(text.length / 2880) * 2880);
  };
  const primary = header([card('SIMPLE', true), card('BITPIX', 8), card('NAXIS', 0), card('EXTEND', true)]);
  const cards = [
    card('XTENSION', 'BINTABLE'), card('BITPIX', 8), card('NAXIS', 2), card('NAXIS1', 8 * names.length), card('NAXIS2', nrows),
    card('PCOUNT', 0), card('GCOUNT', 1), card('TFIELDS', names.length),
  ];
  names.forEach((n, c) => cards.push(card(`TTYPE${c + 1}`, n), card(`TFORM${c + 1}`, '1D')));
  cards.push(card('EXTNAME', extname));
  const ext = header(cards);
  const dataBytes = 8 * names.length * nrows;
  const padded = Math.ceil(dataBytes / 2880) * 2880;
  const out = new Uint8Array(primary.length + ext.length + padded);
  out.set(new TextEncoder().encode(primary + ext));
  const dv = new DataView(out.buffer, primary.length + ext.length);
  for (let r = 0; r < nrows; r++) names.forEach((n, c) => dv.setFloat64(8 * (r * names.length + c), columns[n][r], false));
  return out;
}
