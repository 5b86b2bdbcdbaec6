import { PassThrough, Readable, type Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { MetricsQuery } from '@minhu/contracts';
import type { LedgerRepository, LedgerRow, MetricsWindow } from '@minhu/db';
import { CATEGORY_LABELS, STATUS_LABELS, URGENCY_LABELS } from '@minhu/domain';
import { AppError } from '../errors.js';
import type { MetricsService } from './metrics.service.js';
import type { Viewer } from './viewer.js';

/** More rows than this is refused before anything is sent: narrow the window or the scope. */
export const MAX_EXPORT_ROWS = 1_000_000;
export const EXPORT_BATCH_ROWS = 2_000;
const YIELD_EVERY_ROWS = 250;

export const CSV_TYPE = 'text/csv; charset=utf-8';
export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const HOUR = 3_600_000;
/**
 * China Standard Time is UTC+8 all year (no daylight saving since 1991), so a fixed offset gives
 * the same wall-clock time as Asia/Shanghai at a fraction of Intl's cost per cell.
 */
const CHINA_OFFSET_MS = 8 * HOUR;
const chinaWallClock = (d: Date) => new Date(d.getTime() + CHINA_OFFSET_MS);
/** "YYYY-MM-DD HH:mm:ss" in China time. */
export const chinaTime = (d: Date) => chinaWallClock(d).toISOString().slice(0, 19).replace('T', ' ');
const chinaDay = (d: Date) => chinaWallClock(d).toISOString().slice(0, 10);

/** Whole minutes and tenths, from filing to a later moment. */
const minutesSince = (from: Date, to: Date | null) => (to === null ? null : Math.round((to.getTime() - from.getTime()) / 6_000) / 10);
const yesNo = (v: boolean | null) => (v === null ? null : v ? '是' : '否');

export type Cell = string | number | Date | null;
/** A column of a ledger file: its header, width and how a row fills it. */
export interface Column<R = LedgerRow> {
  header: string;
  /** Width in characters (a Chinese character counts about two). */
  width: number;
  time?: boolean;
  value: (r: R) => Cell;
}

/** The ledger's columns, in order. */
export const LEDGER_COLUMNS: readonly Column[] = [
  { header: '编号', width: 22, value: (r) => r.number },
  { header: '类别', width: 10, value: (r) => CATEGORY_LABELS[r.category] },
  { header: '紧急程度', width: 10, value: (r) => URGENCY_LABELS[r.urgency] },
  { header: '状态', width: 10, value: (r) => STATUS_LABELS[r.status] },
  { header: '地址', width: 40, value: (r) => r.address },
  { header: '服务队', width: 32, value: (r) => r.teamName ?? '未派单' },
  { header: '处理人', width: 10, value: (r) => r.assigneeName },
  { header: '提交时间', width: 20, time: true, value: (r) => r.createdAt },
  { header: '签收时间', width: 20, time: true, value: (r) => r.claimedAt },
  { header: '办结时间', width: 20, time: true, value: (r) => r.resolvedAt },
  { header: '完成时间', width: 20, time: true, value: (r) => r.closedAt },
  { header: '签收用时(分钟)', width: 15, value: (r) => minutesSince(r.createdAt, r.claimedAt) },
  { header: '办结用时(分钟)', width: 15, value: (r) => minutesSince(r.createdAt, r.resolvedAt) },
  { header: '是否超时', width: 10, value: (r) => yesNo(r.overdue) },
  { header: '评价星级', width: 10, value: (r) => r.ratingStars },
  { header: '是否满意', width: 10, value: (r) => yesNo(r.ratingSatisfied) },
  { header: '延期至', width: 20, time: true, value: (r) => (r.extendedUntil === null ? null : new Date(r.extendedUntil)) },
  { header: '延期原因', width: 30, value: (r) => r.extensionReason },
  { header: '回访方式', width: 10, value: (r) => (r.confirmMethod === null ? null : CONFIRM_METHOD_LABELS[r.confirmMethod]) },
];

/** 回访方式: the person rated it in the app, or a member asked them by phone or at the door. */
const CONFIRM_METHOD_LABELS = { app: '本人评价', phone: '电话回访', visit: '上门回访' } as const;

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, quote or line break. Text that a
 * spreadsheet would run as a formula (= + - @, or a tab or carriage return that hides one) gets
 * a leading apostrophe, so an address or a name typed by someone can never become a formula.
 */
export function csvField(value: Cell): string {
  if (value === null) return '';
  if (value instanceof Date) return chinaTime(value);
  if (typeof value === 'number') return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

const csvLine = (cells: readonly Cell[]) => cells.map(csvField).join(',') + '\r\n';
const BOM = '\uFEFF';

/** attachment; an ASCII name for old clients and the Chinese one as RFC 5987/6266 filename*. */
export function contentDisposition(fileName: string, asciiFallback: string): string {
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${asciiFallback}"; filename*=UTF-8''${encoded}`;
}

export interface ExportFile {
  stream: Readable;
  contentType: string;
  contentDisposition: string;
}

/** Where a failure after the first byte is reported: the status is sent by then. */
export interface ExportLog {
  error(details: object, message: string): void;
}

/**
 * The ledger (台账) export: the tickets of exactly the metrics window and scope (who may ask for
 * what is metrics' `windowOf`), as CSV or XLSX, streamed batch by batch.
 */
export function createExportsService(deps: {
  ledger: LedgerRepository;
  metrics: Pick<MetricsService, 'windowOf'>;
  maxRows?: number;
  batchSize?: number;
}) {
  const { ledger, metrics } = deps;
  const maxRows = deps.maxRows ?? MAX_EXPORT_ROWS;
  const batchSize = deps.batchSize ?? EXPORT_BATCH_ROWS;

  /** Checks the window, the scope and the size, all before the first byte. */
  async function prepare(viewer: Viewer, query: MetricsQuery, now: Date) {
    const w = await metrics.windowOf(viewer, query, now);
    const rows = await ledger.countUpTo(w, maxRows + 1);
    if (rows > maxRows) {
      // 400, not 413: the request carries no content that is too large; the client has asked for
      // more than one file may hold and must ask again with a narrower window or scope.
      throw new AppError(
        400,
        'EXPORT_TOO_LARGE',
        `要导出的工单超过 ${maxRows.toLocaleString('en-US')} 条，请缩短时间范围，或按社区、服务队分别导出。`,
        { limit: maxRows },
      );
    }
    const name = `民呼我行台账_${chinaDay(w.from)}_${chinaDay(new Date(w.to.getTime() - 1))}`;
    const ascii = `minhu-ledger_${chinaDay(w.from)}_${chinaDay(new Date(w.to.getTime() - 1))}`;
    return { w, rows, name, ascii };
  }

  const failed = (log: ExportLog, format: string, w: MetricsWindow, written: number, error: unknown) =>
    log.error(
      { err: error, format, rowsWritten: written, from: w.from.toISOString(), to: w.to.toISOString() },
      'ledger export failed after streaming began; the response is aborted, not truncated',
    );

  return {
    async csv(viewer: Viewer, query: MetricsQuery, now: Date, log: ExportLog): Promise<ExportFile> {
      const { w, rows, name, ascii } = await prepare(viewer, query, now);
      return csvFile(LEDGER_COLUMNS, ledger.batches(w, { batchSize, expectedRows: rows }), `${name}.csv`, `${ascii}.csv`, (written, error) =>
        failed(log, 'csv', w, written, error),
      );
    },

    async xlsx(viewer: Viewer, query: MetricsQuery, now: Date, log: ExportLog): Promise<ExportFile> {
      const { w, rows, name, ascii } = await prepare(viewer, query, now);
      return xlsxFile('台账', LEDGER_COLUMNS, () => ledger.batches(w, { batchSize, expectedRows: rows }), `${name}.xlsx`, `${ascii}.xlsx`, (written, error) =>
        failed(log, 'xlsx', w, written, error),
      );
    },
  };
}

/** An audit log entry as the export reads it. */
export interface AuditExportRow {
  id: number;
  at: Date;
  actorName: string | null;
  actorId: string | null;
  entity: string;
  entityId: string | null;
  action: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

const json = (v: Record<string, unknown> | null) => (v === null ? null : JSON.stringify(v));

/** The audit export's columns: who did or read what, when. */
export const AUDIT_COLUMNS: readonly Column<AuditExportRow>[] = [
  { header: '序号', width: 10, value: (r) => r.id },
  { header: '时间', width: 20, time: true, value: (r) => r.at },
  { header: '操作人', width: 12, value: (r) => r.actorName ?? (r.actorId === null ? '系统' : r.actorId) },
  { header: '操作人编号', width: 38, value: (r) => r.actorId },
  { header: '对象', width: 12, value: (r) => r.entity },
  { header: '对象编号', width: 38, value: (r) => r.entityId },
  { header: '操作', width: 14, value: (r) => r.action },
  { header: '改前', width: 40, value: (r) => json(r.before) },
  { header: '改后', width: 40, value: (r) => json(r.after) },
];

/** 操作记录 as CSV, for admins (organisation changes, and who opened which ticket's details). */
export function createAuditExport(deps: { batches: (filter: { entity?: string; from?: Date; to?: Date }, batchSize: number) => AsyncIterable<readonly AuditExportRow[]> }) {
  return {
    csv(viewer: Viewer, query: { entity?: string; from?: string; to?: string }, now: Date, log: ExportLog): ExportFile {
      if (!viewer.isAdmin) throw new AppError(403, 'FORBIDDEN', '只有管理员可以导出操作记录。');
      const filter = {
        ...(query.entity ? { entity: query.entity } : {}),
        ...(query.from ? { from: new Date(query.from) } : {}),
        ...(query.to ? { to: new Date(query.to) } : {}),
      };
      const day = chinaDay(now);
      return csvFile(AUDIT_COLUMNS, deps.batches(filter, EXPORT_BATCH_ROWS), `民呼我行操作记录_${day}.csv`, `minhu-audit_${day}.csv`, (written, error) =>
        log.error({ err: error, rowsWritten: written }, 'audit export failed after streaming began; the response is aborted, not truncated'),
      );
    },
  };
}

/**
 * A ledger as CSV (UTF-8 with BOM, formula-safe fields), pulled batch by batch: the next batch is
 * read only when the client has taken the previous one. `failed` hears of an error after the
 * first byte (the response is then aborted, never silently short).
 */
export function csvFile<R>(
  columns: readonly Column<R>[],
  batches: AsyncIterable<readonly R[]>,
  fileName: string,
  asciiName: string,
  failed: (written: number, error: unknown) => void,
): ExportFile {
  async function* lines() {
    let written = 0;
    try {
      yield BOM + csvLine(columns.map((c) => c.header));
      for await (const batch of batches) {
        let chunk = '';
        for (const row of batch) chunk += csvLine(columns.map((c) => c.value(row)));
        written += batch.length;
        yield chunk;
      }
    } catch (error) {
      failed(written, error);
      throw error;
    }
  }
  return { stream: Readable.from(lines(), { objectMode: false }), contentType: CSV_TYPE, contentDisposition: contentDisposition(fileName, asciiName) };
}

/** A ledger as an Excel workbook (header frozen, times as China's wall clock), streamed with backpressure. */
export function xlsxFile<R>(
  sheetName: string,
  columns: readonly Column<R>[],
  batches: () => AsyncIterable<readonly R[]>,
  fileName: string,
  asciiName: string,
  failed: (written: number, error: unknown) => void,
): ExportFile {
  const out = new PassThrough();
  void writeWorkbook(out).catch(() => {});

  async function writeWorkbook(target: PassThrough) {
    let written = 0;
    try {
      // Inline strings, not a shared-string table: that table would hold every text until the end.
      const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: target, useStyles: true, useSharedStrings: false });
      // The zip is exceljs's own archiver; an error there must end this response, not the process.
      (workbook as unknown as { zip?: NodeJS.EventEmitter }).zip?.on('error', (error: unknown) => target.destroy(error as Error));
      workbook.creator = '民呼我行';
      const sheet = workbook.addWorksheet(sheetName, { views: [{ state: 'frozen', ySplit: 1 }] });
      sheet.columns = columns.map((c, i) => ({
        key: String(i),
        header: c.header,
        width: c.width,
        ...(c.time ? { style: { numFmt: 'yyyy-mm-dd hh:mm:ss' } } : {}),
      }));
      const header = sheet.getRow(1);
      header.font = { bold: true };
      header.alignment = { vertical: 'middle', horizontal: 'center' };
      header.commit();
      for await (const batch of batches()) {
        if (target.destroyed) return; // the client went away
        for (const [i, row] of batch.entries()) {
          // Times as spreadsheet dates showing China's wall clock (a spreadsheet has no time zones).
          sheet.addRow(columns.map((c) => {
            const v = c.value(row);
            return v instanceof Date ? chinaWallClock(v) : v;
          })).commit();
          // exceljs takes ~0.1 ms a row: let other requests in now and then.
          if (i % YIELD_EVERY_ROWS === YIELD_EVERY_ROWS - 1) await new Promise(setImmediate);
        }
        written += batch.length;
        // exceljs hands the sheet's XML to the zip's compressor without heeding its
        // backpressure: wait for the compressor (which waits for the client) to catch up,
        // or a slow download would pile the whole sheet up in memory.
        for (const compressor of sheetPipes(sheet)) await drained(compressor, target);
        await drained(target, target);
      }
      if (target.destroyed) return;
      sheet.commit();
      await workbook.commit();
    } catch (error) {
      if (target.destroyed) return;
      failed(written, error);
      target.destroy(error as Error);
    }
  }

  return { stream: out, contentType: XLSX_TYPE, contentDisposition: contentDisposition(fileName, asciiName) };
}

/** What a writable stream says about its buffer (exceljs's zip uses readable-stream 2's, which predates writableNeedDrain). */
type Sink = NodeJS.EventEmitter & { writableNeedDrain?: boolean; destroyed?: boolean; _writableState?: { needDrain?: boolean } };

/** The streams exceljs (4.4) writes a worksheet's XML into: the zip entry's input. */
function sheetPipes(sheet: ExcelJS.Worksheet): Sink[] {
  return (sheet as unknown as { stream?: { pipes?: Sink[] } }).stream?.pipes ?? [];
}

/** Waits until `stream` has passed on what it buffers, or until the reply has gone away. */
function drained(stream: Sink, reply: Writable): Promise<void> {
  const full = stream.writableNeedDrain ?? stream._writableState?.needDrain ?? false;
  if (!full || stream.destroyed || reply.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      stream.off('drain', done);
      stream.off('close', done);
      reply.off('close', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
    reply.on('close', done);
  });
}

export type ExportsService = ReturnType<typeof createExportsService>;
