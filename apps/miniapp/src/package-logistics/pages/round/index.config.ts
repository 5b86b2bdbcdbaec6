export default definePageConfig({ navigationBarTitleText: '按户发放', enablePullDownRefresh: true });
