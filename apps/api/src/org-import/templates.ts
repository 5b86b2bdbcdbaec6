import ExcelJS from 'exceljs';
import { SHEETS, type SheetKey } from './sheets.js';

const ORDER: SheetKey[] = ['areas', 'teams', 'people', 'members', 'officials', 'responsibilities'];

interface Column {
  header: string;
  required: boolean;
  example: string;
  hint: string;
}
const columnsOf = (key: SheetKey) => Object.values(SHEETS[key].columns) as Column[];

/**
 * The blank ledger a community fills in: one sheet per kind of record, Chinese headers (* marks
 * a required column), and a grey line of hints that the import skips (it starts with #).
 */
export async function templateWorkbook(): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = '民呼我行';
  for (const key of ORDER) {
    const sheet = workbook.addWorksheet(SHEETS[key].title, { views: [{ state: 'frozen', ySplit: 1 }] });
    const columns = columnsOf(key);
    sheet.columns = columns.map((c) => ({ header: c.required ? `${c.header}*` : c.header, width: Math.max(14, c.header.length * 3 + 6) }));
    sheet.getRow(1).font = { bold: true };
    const hints = sheet.addRow(columns.map((c, i) => `${i === 0 ? '# ' : ''}${c.hint || (c.example ? `如 ${c.example}` : '')}`));
    hints.font = { color: { argb: 'FF888888' }, italic: true };
    // Phone numbers and codes stay text, so Excel does not turn 139… into 1.39E+10.
    columns.forEach((_, i) => (sheet.getColumn(i + 1).numFmt = '@'));
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** The same, as one CSV (UTF-8 with BOM) per sheet, named by the sheet. */
export function templateCsvs(): { name: string; text: string }[] {
  return ORDER.map((key) => {
    const columns = columnsOf(key);
    const line = (cells: string[]) => cells.map((c) => (/[",\n]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c)).join(',');
    return {
      name: `${SHEETS[key].title}.csv`,
      text: `\uFEFF${line(columns.map((c) => (c.required ? `${c.header}*` : c.header)))}\n${line(columns.map((c, i) => `${i === 0 ? '# ' : ''}${c.hint || (c.example ? `如 ${c.example}` : '')}`))}\n`,
    };
  });
}
