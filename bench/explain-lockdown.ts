/**
 * EXPLAIN (ANALYZE, BUFFERS) of the lockdown scenario's statements (lib/lockdown-sql.ts) on the
 * bench database, at 1,000 and then 20,000 open tickets in one team, as markdown on stdout:
 *
 *   node --import tsx bench/explain-lockdown.ts [--repository=<module>] [--order=before|after]
 *
 * `--repository` names another module exporting createTicketsRepository (a copy of an older
 * packages/db/src, to read the statements as they were; `--order=before` then finds the deep
 * page's place in that order). The data set must exist (`npm run bench` makes it); the backlog is
 * added here and removed by the bench's next reset.
 */
import { createDb, createTicketsRepository } from '@minhu/db';
import { connect } from './lib/db.js';
import { readDataset } from './lib/dataset.js';
import { fillBacklog, lockdownSubject, openInTeam } from './lib/lockdown.js';
import { explain, lockdownStatements, type StatementSource } from './lib/lockdown-sql.js';

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const url = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/minhu_bench';
const order = (arg('order') ?? 'after') as 'before' | 'after';
const module = arg('repository');
const make = (module ? ((await import(module)) as { createTicketsRepository: typeof createTicketsRepository }) : { createTicketsRepository }).createTicketsRepository;

const sql = connect(url, 2);
const handle = await createDb({ databaseUrl: url, poolSize: 1 });
try {
  const info = await readDataset(sql);
  if (!info) throw new Error('no bench data set: run npm run bench first');
  const source = make(handle) as unknown as StatementSource;
  const subject = await lockdownSubject(sql);
  const now = new Date();
  for (const open of [1000, 20000]) {
    await fillBacklog(sql, info, subject, open);
    console.log(`\n## ${(await openInTeam(sql, subject.teamId)).toLocaleString('en')} open tickets in the team (${order})\n`);
    for (const statement of await lockdownStatements(sql, source, subject, now, order)) {
      console.log(`### ${statement.name}\n\n\`\`\`sql\n${statement.text}\n\`\`\`\n\n\`\`\`\n${await explain(sql, statement)}\n\`\`\`\n`);
    }
  }
} finally {
  await handle.close();
  await sql.end();
}
