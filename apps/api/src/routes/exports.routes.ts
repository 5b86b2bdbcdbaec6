import type { FastifyInstance, FastifyReply } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ErrorResponses, MetricsQuery } from '@minhu/contracts';
import { CSV_TYPE, XLSX_TYPE, type ExportFile } from '../services/exports.service.js';

const LEDGER = '台账：统计范围与时间窗口同 /metrics/summary (按提交时间)，每张工单一行：编号、类别、紧急程度、状态、地址、服务队、处理人、' +
  '提交/签收/办结/完成时间 (北京时间)、签收与办结用时 (分钟，自提交起)、是否超时 (签收或办结超过时限，或仍在办且已过时限)、评价星级、是否满意。' +
  '边读边发，不整表载入内存；超过 1,000,000 行时返回 400 EXPORT_TOO_LARGE，请缩小范围。' +
  '开始发送后若出错，连接会被中断 (不会给出截短的文件)。';

const file = (mediaType: string, description: string) => ({
  description,
  content: { [mediaType]: { schema: { type: 'string', format: 'binary' } } },
});

export default async function exportsRoutes(root: FastifyInstance) {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();

  const send = (reply: FastifyReply, exported: ExportFile) =>
    reply
      .header('content-type', exported.contentType)
      .header('content-disposition', exported.contentDisposition)
      .header('cache-control', 'no-store')
      .header('x-content-type-options', 'nosniff')
      .send(exported.stream);

  app.get(
    '/exports/tickets.csv',
    {
      schema: {
        tags: ['monitoring'],
        summary: '导出台账 (CSV，UTF-8 带 BOM，Excel 可直接打开)',
        description: LEDGER,
        querystring: MetricsQuery,
        response: { 200: file(CSV_TYPE.split(';')[0]!, 'CSV 台账，首行为表头'), ...ErrorResponses },
      },
    },
    // The service is looked up per request: tests swap in one with a lower row limit.
    async (request, reply) => send(reply, await app.services.exports.csv(request.viewer, request.query, app.clock(), request.log)),
  );

  app.get(
    '/exports/tickets.xlsx',
    {
      schema: {
        tags: ['monitoring'],
        summary: '导出台账 (Excel 工作簿，表头冻结)',
        description: LEDGER,
        querystring: MetricsQuery,
        response: { 200: file(XLSX_TYPE, 'Excel 台账，工作表「台账」，首行为表头'), ...ErrorResponses },
      },
    },
    async (request, reply) => send(reply, await app.services.exports.xlsx(request.viewer, request.query, app.clock(), request.log)),
  );
}
