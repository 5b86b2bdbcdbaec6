import {
  AREA_KIND_LABELS,
  CATEGORY_LABELS,
  COMPOUND_TYPE_LABELS,
  CONTROL_LEVEL_LABELS,
  DUTY_ROLE_LABELS,
  SPECIAL_TAG_LABELS,
  type AreaKind,
  type Category,
  type CompoundType,
  type ControlLevel,
  type DutyRole,
  type SpecialTag,
} from '@minhu/domain';

/**
 * The organisation ledger's sheets, with their Chinese headers. Each column turns a cell into a
 * value or a problem in plain words. The same definitions write the template files.
 */
export interface Problem {
  file: string;
  sheet: string;
  row: number | null;
  column: string | null;
  message: string;
}

type Parse<T> = (text: string) => { ok: true; value: T } | { ok: false; message: string };

interface Column<T> {
  header: string;
  required: boolean;
  parse: Parse<T>;
  example: string;
  hint: string;
}

const ok = <T>(value: T) => ({ ok: true as const, value });
const bad = (message: string) => ({ ok: false as const, message });

const text = (max: number): Parse<string> => (s) => (s.length > max ? bad(`太长，最多 ${max} 个字`) : ok(s));
const code: Parse<string> = (s) => (/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(s) ? ok(s) : bad('编码只能用字母、数字和 - _ .，最长 64 位'));
const mobile: Parse<string> = (s) => {
  const digits = s.replace(/[\s-]/g, '');
  return /^1[3-9]\d{9}$/.test(digits) ? ok(digits) : bad(`手机号“${s}”格式不对，应为 11 位手机号`);
};
function label<T extends string>(labels: Record<T, string>, what: string): Parse<T> {
  const byLabel = new Map(Object.entries(labels).map(([k, v]) => [v as string, k as T]));
  return (s) => {
    const value = byLabel.get(s) ?? (s in labels ? (s as T) : undefined);
    return value ? ok(value) : bad(`${what}“${s}”不认识，可填：${Object.values(labels).join('、')}`);
  };
}
/** A list in one cell: 独居、高龄 (also , ， ; and spaces). */
function list<T extends string>(one: Parse<T>): Parse<T[]> {
  return (s) => {
    const values: T[] = [];
    for (const part of s.split(/[、,，;；\s]+/).filter(Boolean)) {
      const parsed = one(part);
      if (!parsed.ok) return parsed;
      if (!values.includes(parsed.value)) values.push(parsed.value);
    }
    return ok(values);
  };
}

const col = <T, R extends boolean>(header: string, required: R, parse: Parse<T>, example: string, hint = ''): Column<T> & { required: R } => ({
  header,
  required,
  parse,
  example,
  hint,
});

export const SHEETS = {
  areas: {
    title: '区域',
    aliases: ['区域', 'areas', '地区'],
    columns: {
      code: col('编码', true, code, 'XF-XFL-B3', '全表唯一，如 XF-XFL-B3'),
      name: col('名称', true, text(50), '3号楼'),
      kind: col('类型', true, label<AreaKind>(AREA_KIND_LABELS, '类型'), '楼栋', Object.values(AREA_KIND_LABELS).join('/')),
      parent: col('上级编码', false, code, 'XF-XFL-G2', '最上一级 (区) 留空'),
      compoundType: col('小区类型', false, label<CompoundType>(COMPOUND_TYPE_LABELS, '小区类型'), '', Object.values(COMPOUND_TYPE_LABELS).join('/') + '，仅小区填写'),
      controlLevel: col('管控级别', false, label<ControlLevel>(CONTROL_LEVEL_LABELS, '管控级别'), '', Object.values(CONTROL_LEVEL_LABELS).join('/') + '，默认常态'),
      defaultTeam: col('兜底服务队编码', false, code, '', '社区填写：找不到服务队的求助交给它'),
    },
  },
  teams: {
    title: '服务队',
    aliases: ['服务队', 'teams', '队伍'],
    columns: {
      code: col('编码', true, code, 'XFL-TEAM', '全表唯一'),
      name: col('名称', true, text(50), '幸福里小区民呼我行党员服务队'),
      area: col('所属区域编码', true, code, 'XF-XFL', '一般为小区'),
      categories: col('负责类别', false, list<Category>(label(CATEGORY_LABELS, '类别')), '', '留空为综合服务队；专门队填 购药、就医 等，本区域这些类别的求助都派给它'),
      phone: col('电话', false, text(20), '0311-86010001'),
    },
  },
  people: {
    title: '人员',
    aliases: ['人员', '重点人员', '住户', 'people', 'households'],
    columns: {
      code: col('人员编号', true, code, 'XFL-R-0001', '全表唯一，用于识别同一人'),
      name: col('姓名', true, text(30), '王秀兰'),
      phone: col('手机号', false, mobile, '13900000101', '没有手机可留空'),
      home: col('住址编码', true, code, 'XF-XFL-B1-U1', '单元或户的编码'),
      detail: col('门牌号', false, text(30), '101室'),
      tags: col('重点人员类别', false, list<SpecialTag>(label(SPECIAL_TAG_LABELS, '类别')), '独居、高龄', Object.values(SPECIAL_TAG_LABELS).join('、')),
    },
  },
  members: {
    title: '队员',
    aliases: ['队员', '成员', 'members'],
    columns: {
      name: col('姓名', true, text(30), '陈晓燕'),
      phone: col('手机号', true, mobile, '13900000011'),
      team: col('服务队编码', true, code, 'XFL-TEAM'),
      role: col('职务', false, label({ leader: '队长', member: '队员' } as const, '职务'), '队员', '队长/队员，默认队员'),
      duties: col('岗位', false, list<DutyRole>(label(DUTY_ROLE_LABELS, '岗位')), '卫生员', Object.values(DUTY_ROLE_LABELS).join('、')),
      home: col('住址编码', false, code, 'XF-XFL-B3-U1'),
      detail: col('门牌号', false, text(30), '201室'),
    },
  },
  officials: {
    title: '书记和管理员',
    aliases: ['书记和管理员', '书记', '管理员', 'officials'],
    columns: {
      name: col('姓名', true, text(30), '周建华'),
      phone: col('手机号', true, mobile, '13900000020'),
      role: col('角色', true, label({ secretary: '书记', admin: '管理员' } as const, '角色'), '书记', '书记/管理员'),
      area: col('区域编码', false, code, 'XF', '书记填写其负责的区域'),
    },
  },
  responsibilities: {
    title: '包保',
    aliases: ['包保', '包保关系', 'responsibilities'],
    columns: {
      team: col('服务队编码', true, code, 'XFL-TEAM'),
      member: col('队员手机号', true, mobile, '13900000011'),
      target: col('包保对象编码', true, code, 'XF-XFL-B3', '网格、楼栋、单元、户的编码，或人员编号'),
    },
  },
} as const;

export type SheetKey = keyof typeof SHEETS;
type Columns<K extends SheetKey> = (typeof SHEETS)[K]['columns'];
type ValueOf<C> = C extends Column<infer T> ? T : never;
/** A parsed row: required columns are values, optional ones may be missing. */
export type RowOf<K extends SheetKey> = { line: number } & {
  [F in keyof Columns<K>]: Columns<K>[F] extends { required: true } ? ValueOf<Columns<K>[F]> : ValueOf<Columns<K>[F]> | undefined;
};

/** Which sheet a file or worksheet is, by its name, else by its headers. */
export function sheetOf(name: string, header: string[]): SheetKey | null {
  const bare = name.replace(/^.*[\\/]/, '').replace(/\.(csv|txt|xlsx)$/i, '').trim().toLowerCase();
  for (const [key, sheet] of Object.entries(SHEETS) as [SheetKey, (typeof SHEETS)[SheetKey]][]) {
    if ((sheet.aliases as readonly string[]).some((a) => bare === a.toLowerCase() || bare.endsWith(`-${a.toLowerCase()}`) || bare.endsWith(`_${a.toLowerCase()}`))) return key;
  }
  for (const [key, sheet] of Object.entries(SHEETS) as [SheetKey, (typeof SHEETS)[SheetKey]][]) {
    const required = Object.values(sheet.columns as Record<string, Column<unknown>>).filter((c) => c.required).map((c) => c.header);
    if (required.every((h) => header.includes(h)) && header.length <= Object.keys(sheet.columns).length + 3) return key;
  }
  return null;
}

/** Parses a sheet's rows, collecting every problem with its row and column. */
export function parseRows<K extends SheetKey>(key: K, file: string, sheetName: string, header: string[], rows: { line: number; cells: string[] }[], problems: Problem[]): RowOf<K>[] {
  const columns = SHEETS[key].columns as Record<string, Column<unknown>>;
  const where = (row: number | null, column: string | null, message: string) => problems.push({ file, sheet: sheetName, row, column, message });
  const index = new Map<string, number>();
  for (const [field, column] of Object.entries(columns)) {
    const at = header.indexOf(column.header);
    if (at !== -1) index.set(field, at);
    else if (column.required) where(1, column.header, `缺少“${column.header}”列`);
  }
  const known = new Set(Object.values(columns).map((c) => c.header));
  for (const h of header) if (h && !known.has(h)) where(1, h, `不认识的列“${h}”，可用的列：${[...known].join('、')}`);
  if ([...Object.entries(columns)].some(([f, c]) => c.required && !index.has(f))) return [];

  const parsed: RowOf<K>[] = [];
  for (const row of rows) {
    const record: Record<string, unknown> = { line: row.line };
    let rowOk = true;
    for (const [field, column] of Object.entries(columns)) {
      const at = index.get(field);
      const cell = at === undefined ? '' : (row.cells[at] ?? '');
      if (cell === '') {
        if (column.required) {
          where(row.line, column.header, `“${column.header}”不能为空`);
          rowOk = false;
        }
        continue;
      }
      const result = column.parse(cell);
      if (result.ok) record[field] = result.value;
      else {
        where(row.line, column.header, result.message);
        rowOk = false;
      }
    }
    if (rowOk) parsed.push(record as RowOf<K>);
  }
  return parsed;
}
