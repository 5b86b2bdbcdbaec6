export default definePageConfig({ navigationBarTitleText: '求助单', enablePullDownRefresh: true });
