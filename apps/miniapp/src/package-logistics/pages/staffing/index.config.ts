export default definePageConfig({ navigationBarTitleText: '力量缺口', enablePullDownRefresh: true });
