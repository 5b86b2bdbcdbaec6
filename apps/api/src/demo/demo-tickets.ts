import type { ActionInput } from '@minhu/domain';
import type { CreateTicketBody } from '@minhu/contracts';

/**
 * The demo's tickets, in every status, with realistic timelines: each is filed and then worked
 * through the ticket service by the people named (by phone), at the minutes given.
 */
type Step = [minutesAfterFiling: number, actorPhone: string, input: ActionInput];

interface TicketSeed {
  filer: string;
  minutesAgo: number;
  body: Omit<CreateTicketBody, 'areaId' | 'beneficiary'> & {
    area?: string;
    beneficiary?: { name: string; phone?: string; area: string };
  };
  steps?: Step[];
}

const claim: ActionInput = { action: 'claim' };
const start: ActionInput = { action: 'start' };
const note = (text: string): ActionInput => ({ action: 'note', text, attachments: [] });
const resolve = (text: string): ActionInput => ({ action: 'resolve', text, attachments: [] });
const confirm = (satisfied: boolean, rating: number, comment: string | null = null): ActionInput => ({
  action: 'confirm',
  satisfied,
  rating,
  comment,
});

export const DEMO_TICKETS: TicketSeed[] = [
  // Closed, rated: the whole journey.
  {
    filer: '13900000001',
    minutesAgo: 3 * 24 * 60,
    body: {
      category: 'medicine',
      urgency: 'normal',
      description: '家里的降压药快吃完了，需要代购硝苯地平缓释片，可以用同成分的替代。',
      items: [{ name: '硝苯地平缓释片', quantity: 2, unit: '盒', note: '30mg' }],
    },
    steps: [
      [12, '13900000011', claim],
      [20, '13900000011', start],
      [95, '13900000011', resolve('已在仁和大药房代购 2 盒，放在 3号楼 2单元门口，已电话告知。')],
      [180, '13900000001', confirm(true, 5, '陈大姐送药很及时，谢谢！')],
    ],
  },
  // Resolved, waiting for the resident to confirm.
  {
    filer: '13900000001',
    minutesAgo: 26 * 60,
    body: {
      category: 'supplies',
      urgency: 'normal',
      description: '小区封控第三天，家里缺米面和鸡蛋，三口人。',
      items: [
        { name: '大米', quantity: 10, unit: '斤' },
        { name: '挂面', quantity: 2, unit: '把' },
        { name: '鸡蛋', quantity: 30, unit: '个' },
      ],
    },
    steps: [
      [25, '13900000011', claim],
      [40, '13900000011', start],
      [300, '13900000011', resolve('生活物资已送到，按保供价结算，已拍照留存。')],
    ],
  },
  // In progress, for a special person (raised to urgent), with a note.
  {
    filer: '13900000101',
    minutesAgo: 5 * 60,
    body: {
      category: 'medicine',
      urgency: 'normal',
      description: '糖尿病，胰岛素只剩两天的量，需要去社区医院开药。',
      items: [{ name: '门冬胰岛素注射液', quantity: 3, unit: '支' }],
    },
    steps: [
      [8, '13900000012', claim],
      [15, '13900000012', start],
      [60, '13900000012', note('已联系社区卫生服务站开处方，下午取药。')],
    ],
  },
  // Claimed, not yet started.
  {
    filer: '13900000102',
    minutesAgo: 90,
    body: {
      category: 'supplies',
      urgency: 'urgent',
      description: '怀孕七个月，家里没有新鲜蔬菜和牛奶了，不方便下楼排队。',
      items: [
        { name: '纯牛奶', quantity: 2, unit: '箱' },
        { name: '青菜', quantity: 3, unit: '斤' },
      ],
    },
    steps: [[10, '13900000012', claim]],
  },
  // Waiting for a claim, already overdue.
  {
    filer: '13900000106',
    minutesAgo: 3 * 60,
    body: {
      category: 'help',
      urgency: 'normal',
      description: '轮椅坏了一个轮子，出不了门，想请人帮忙看看能不能修。',
    },
  },
  // Waiting for a claim, fresh.
  {
    filer: '13900000001',
    minutesAgo: 15,
    body: {
      category: 'help',
      urgency: 'normal',
      description: '楼道灯坏了，晚上老人上下楼看不见，麻烦物业或志愿者换一下。',
    },
  },
  // Filed for someone without a phone (proxy), waiting for a claim.
  {
    filer: '13900000001',
    minutesAgo: 40,
    body: {
      category: 'medicine',
      urgency: 'urgent',
      description: '楼下独居的孙奶奶感冒发烧，需要退烧药和体温计，她没有智能手机，我代她提交。',
      items: [
        { name: '布洛芬混悬液', quantity: 1, unit: '瓶' },
        { name: '电子体温计', quantity: 1, unit: '个' },
      ],
      beneficiary: { name: '孙桂英', area: 'XH-JSL-XF-XFL-B3-U1' },
    },
  },
  // Medical, routed by the category rule to the community's medical team.
  {
    filer: '13900000101',
    minutesAgo: 50,
    body: {
      category: 'medical',
      urgency: 'urgent',
      description: '明天上午要去省二院复查，需要开具出行证明并协调车辆。',
    },
  },
  // Emergency in a controlled urban village, for an elderly resident living alone.
  {
    filer: '13900000002',
    minutesAgo: 6,
    body: {
      category: 'medical',
      urgency: 'emergency',
      description: '突然胸闷气短，头晕，一个人在家，需要马上去医院。',
    },
  },
  // Dialysis in the sealed compound: claimed and being worked.
  {
    filer: '13900000103',
    minutesAgo: 4 * 60,
    body: {
      category: 'medical',
      urgency: 'urgent',
      description: '每周二、四、六透析，家属院封控了，需要开通行证并安排车辆去市一院。',
    },
    steps: [
      [5, '13900000017', claim],
      [10, '13900000017', start],
      [30, '13900000017', note('已向街道申请通行证，车辆由街道保障组安排。')],
    ],
  },
  // Cancelled by the resident before anybody claimed it.
  {
    filer: '13900000104',
    minutesAgo: 2 * 24 * 60,
    body: {
      category: 'supplies',
      urgency: 'normal',
      description: '需要一袋面粉和食用油。',
      items: [
        { name: '面粉', quantity: 1, unit: '袋' },
        { name: '食用油', quantity: 1, unit: '桶' },
      ],
    },
    steps: [[30, '13900000104', { action: 'cancel', reason: '超市已恢复配送，自己买到了。' }]],
  },
  // Not satisfied: reopened and back with the member.
  {
    filer: '13900000107',
    minutesAgo: 30 * 60,
    body: {
      category: 'medicine',
      urgency: 'urgent',
      description: '化疗后需要升白针，医院开了处方，需要代取。',
      items: [{ name: '聚乙二醇化重组人粒细胞刺激因子注射液', quantity: 1, unit: '支' }],
    },
    steps: [
      [20, '13900000013', claim],
      [30, '13900000013', start],
      [240, '13900000013', resolve('已代取药品送到家中。')],
      [300, '13900000107', confirm(false, 2, '送来的规格不对，要 6mg 的。')],
    ],
  },
  // Closed in the key village, infant formula.
  {
    filer: '13900000105',
    minutesAgo: 2 * 24 * 60 + 120,
    body: {
      category: 'supplies',
      urgency: 'urgent',
      description: '孩子八个月大，奶粉只够一天了，需要飞鹤星飞帆 3 段。',
      items: [{ name: '婴儿奶粉 (飞鹤星飞帆 3段)', quantity: 2, unit: '罐' }],
    },
    steps: [
      [9, '13900000019', claim],
      [100, '13900000019', resolve('红色跑腿队已从镇上代购送达。')],
      [200, '13900000105', confirm(true, 4, null)],
    ],
  },
];
