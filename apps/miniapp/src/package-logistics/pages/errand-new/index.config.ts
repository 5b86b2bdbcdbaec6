export default definePageConfig({ navigationBarTitleText: '集中采购', enablePullDownRefresh: true });
