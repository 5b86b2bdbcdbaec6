/** The demo's sign-in accounts (shared/docs/api-contract.md, "Demo data"). */
export const DEMO_ACCOUNTS = [
  { phone: '13900000001', name: '张建国', description: '居民 · 幸福里小区 3号楼 2单元' },
  { phone: '13900000002', name: '李桂芳', description: '居民 · 槐树庄 (独居高龄)' },
  { phone: '13900000010', name: '刘志强', description: '队长 · 幸福里小区民呼我行党员服务队' },
  { phone: '13900000011', name: '陈晓燕', description: '队员 · 幸福里小区服务队 (包保 3号楼)' },
  { phone: '13900000012', name: '赵文博', description: '队员 · 幸福里小区服务队 (包保 1号楼、2号楼)' },
  { phone: '13900000013', name: '孙丽', description: '队员 · 槐树庄服务队' },
  { phone: '13900000020', name: '周建华', description: '书记 · 幸福社区' },
  { phone: '13900000099', name: '吴敏', description: '管理员 · 新华区平台' },
] as const;
