// A real xlsx for the import tests: the server's template's zip is opened, rows are added to its
// data sheet as inline strings (as spreadsheet programs also write them), and it is zipped again
// with Node's zlib. A zip reader and writer, just enough for an xlsx.
import { crc32, deflateRawSync, inflateRawSync } from 'node:zlib';

type Entry = { name: string; data: Buffer };

/** The entries of a zip archive (stored or deflated), in their order. */
function unzip(zip: Buffer): Entry[] {
  let end = zip.length - 22;
  while (end >= 0 && zip.readUInt32LE(end) !== 0x06054b50) end--;
  if (end < 0) throw new Error('not a zip file');
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const entries: Entry[] = [];
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error('bad central directory');
    const method = zip.readUInt16LE(at + 10);
    const size = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    const dataAt = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const raw = zip.subarray(dataAt, dataAt + size);
    const data = method === 0 ? Buffer.from(raw) : method === 8 ? inflateRawSync(raw) : null;
    if (!data) throw new Error(`zip method ${method} of ${name}`);
    entries.push({ name, data });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** A zip archive of the entries, each deflated. */
function zip(entries: Entry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const packed = deflateRawSync(e.data);
    const crc = crc32(e.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(e.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(e.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, packed);
    centrals.push(central, name);
    offset += local.length + name.length + packed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The column letter of a 0-based index (A … Z, enough for the template's 12 columns). */
const column = (i: number) => String.fromCharCode(65 + i);

/** The template with `rows` (text cells, in the template's column order) below its heading. */
export function fillTemplate(template: Buffer, rows: string[][]): Buffer {
  const entries = unzip(template);
  const workbook = entries.find((e) => e.name === 'xl/workbook.xml')!.data.toString('utf8');
  // The data sheet is the template's first sheet.
  if (!/<sheet [^>]*name="单位名录"[^>]*r:id="rId1"/.test(workbook)) throw new Error('unexpected template');
  const sheet = entries.find((e) => e.name === 'xl/worksheets/sheet1.xml')!;
  const xml = rows
    .map((cells, r) => {
      const line = r + 2;
      const cs = cells
        .map((v, c) => (v === '' ? '' : `<c r="${column(c)}${line}" t="inlineStr"><is><t>${escape(v)}</t></is></c>`))
        .join('');
      return `<row r="${line}">${cs}</row>`;
    })
    .join('');
  let text = sheet.data.toString('utf8');
  if (!text.includes('</sheetData>')) throw new Error('the template has no rows');
  text = text.replace('</sheetData>', `${xml}</sheetData>`);
  text = text.replace(/<dimension ref="[^"]*"\/>/, `<dimension ref="A1:L${rows.length + 1}"/>`);
  sheet.data = Buffer.from(text, 'utf8');
  return zip(entries);
}

/** Every part of an xlsx (a zip of XML files) as text: for scans and checks of the cells. */
export function xlsxParts(xlsx: Buffer): { name: string; text: string }[] {
  return unzip(xlsx).map((e) => ({ name: e.name, text: e.data.toString('utf8') }));
}
