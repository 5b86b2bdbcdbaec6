export default definePageConfig({ navigationBarTitleText: '跑腿清单', enablePullDownRefresh: true });
