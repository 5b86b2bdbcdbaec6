import ExcelJS from 'exceljs';

/**
 * Reading the spreadsheets communities already keep (台账): CSV (one sheet per file, named by the
 * file) or XLSX (a workbook of named sheets). Everything becomes rows of trimmed strings. Files
 * that could hurt the server — huge, a zip bomb disguised as XLSX, formulas — are refused before
 * anything is imported.
 */
export interface RawSheet {
  /** The sheet's name as given (file name without extension for CSV). */
  name: string;
  header: string[];
  /** Data rows, with the spreadsheet row number people see (the header is row 1). */
  rows: { line: number; cells: string[] }[];
}

export class FileProblem extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(message);
  }
}

export const MAX_FILE_BYTES = 10 * 1024 * 1024;
export const MAX_ROWS = 50_000;
/** An XLSX is a zip: refuse one that would unpack to more than this, or unpack suspiciously well. */
const MAX_UNPACKED_BYTES = 100 * 1024 * 1024;
const MAX_PACKING_RATIO = 200;

export async function readFile(name: string, bytes: Buffer): Promise<RawSheet[]> {
  if (bytes.length > MAX_FILE_BYTES) throw new FileProblem(name, `文件太大 (${(bytes.length / 1048576).toFixed(1)} MB)，上限 10 MB。`);
  const lower = name.toLowerCase();
  if (lower.endsWith('.xlsx')) return readXlsx(name, bytes);
  if (lower.endsWith('.csv') || lower.endsWith('.txt')) return [readCsv(name, bytes)];
  if (bytes.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) return readXlsx(name, bytes);
  if (bytes.subarray(0, 8).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]))) {
    throw new FileProblem(name, '这是旧版 Excel (.xls) 文件，请在 Excel 里“另存为” .xlsx 或 CSV UTF-8 后再导入。');
  }
  return [readCsv(name, bytes)];
}

function readCsv(name: string, bytes: Buffer): RawSheet {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new FileProblem(name, '文件不是 UTF-8 编码 (可能是 GBK)。请在 Excel 里“另存为”→“CSV UTF-8 (逗号分隔)”后再导入。');
  }
  const records = parseCsv(text.replace(/^\uFEFF/, ''));
  if (records.length > MAX_ROWS + 1) throw new FileProblem(name, `行数太多 (${records.length - 1} 行)，一次最多导入 ${MAX_ROWS} 行，请分批导入。`);
  const sheetName = name.replace(/^.*[\\/]/, '').replace(/\.(csv|txt)$/i, '');
  return toSheet(sheetName, records);
}

/** RFC 4180: quoted fields may hold commas, quotes ("") and line breaks. */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      record.push(field);
      records.push(record);
      record = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  return records;
}

function toSheet(name: string, records: string[][]): RawSheet {
  const cleaned = records.map((r) => r.map((c) => c.trim()));
  const headerIndex = cleaned.findIndex((r) => r.some((c) => c !== ''));
  if (headerIndex === -1) return { name, header: [], rows: [] };
  const header = cleaned[headerIndex]!.map((h) => h.replace(/[*＊\s]/g, ''));
  const rows = cleaned
    .slice(headerIndex + 1)
    .map((cells, i) => ({ line: headerIndex + i + 2, cells }))
    .filter((r) => r.cells.some((c) => c !== '') && !r.cells[0]!.startsWith('#'));
  return { name, header, rows };
}

/** Sizes from the zip's central directory, read before unpacking anything. */
export function zipUnpackedSize(bytes: Buffer): number {
  // End of central directory: signature 0x06054b50, within the last 64 KB + 22 bytes.
  let end = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 65_557); i--) {
    if (bytes.readUInt32LE(i) === 0x06054b50) {
      end = i;
      break;
    }
  }
  if (end === -1) throw new Error('not a zip');
  const entries = bytes.readUInt16LE(end + 10);
  let offset = bytes.readUInt32LE(end + 16);
  let total = 0;
  for (let n = 0; n < entries; n++) {
    if (offset + 46 > bytes.length || bytes.readUInt32LE(offset) !== 0x02014b50) throw new Error('bad central directory');
    total += bytes.readUInt32LE(offset + 24);
    offset += 46 + bytes.readUInt16LE(offset + 28) + bytes.readUInt16LE(offset + 30) + bytes.readUInt16LE(offset + 32);
  }
  return total;
}

async function readXlsx(name: string, bytes: Buffer): Promise<RawSheet[]> {
  let unpacked: number;
  try {
    unpacked = zipUnpackedSize(bytes);
  } catch {
    throw new FileProblem(name, '文件不是有效的 .xlsx (可能已损坏或只是改了扩展名)。');
  }
  if (unpacked > MAX_UNPACKED_BYTES || unpacked > bytes.length * MAX_PACKING_RATIO) {
    throw new FileProblem(name, '文件解压后过大，疑似异常文件，已拒绝。请确认是普通的组织台账表格。');
  }
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch {
    throw new FileProblem(name, '文件不是有效的 .xlsx (可能已损坏或只是改了扩展名)。');
  }
  const sheets: RawSheet[] = [];
  let totalRows = 0;
  for (const worksheet of workbook.worksheets) {
    totalRows += worksheet.actualRowCount;
    if (totalRows > MAX_ROWS + workbook.worksheets.length) {
      throw new FileProblem(name, `行数太多，一次最多导入 ${MAX_ROWS} 行，请分批导入。`);
    }
    const records: string[][] = [];
    const formulas: string[] = [];
    worksheet.eachRow({ includeEmpty: true }, (row, rowNumber) => {
      const cells: string[] = [];
      row.eachCell({ includeEmpty: true }, (cell, col) => {
        if (cell.type === ExcelJS.ValueType.Formula) {
          formulas.push(`${cell.address}`);
        }
        cells[col - 1] = cellText(cell);
      });
      records[rowNumber - 1] = Array.from(cells, (c) => c ?? '');
    });
    if (formulas.length > 0) {
      throw new FileProblem(
        name,
        `工作表“${worksheet.name}”含公式 (${formulas.slice(0, 5).join('、')}${formulas.length > 5 ? ' 等' : ''})。请复制后“选择性粘贴→数值”再导入。`,
      );
    }
    sheets.push(toSheet(worksheet.name.trim(), Array.from(records, (r) => r ?? [])));
  }
  return sheets;
}

function cellText(cell: ExcelJS.Cell): string {
  const value = cell.value;
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((r) => r.text).join('');
    if ('text' in value) return String(value.text);
    if ('result' in value) return String(value.result ?? '');
  }
  // Phone numbers typed as numbers come back as numbers: keep every digit.
  if (typeof value === 'number') return Number.isInteger(value) ? value.toFixed(0) : String(value);
  return String(value);
}
