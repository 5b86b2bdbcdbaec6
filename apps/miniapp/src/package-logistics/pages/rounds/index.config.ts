export default definePageConfig({ navigationBarTitleText: '物资发放', enablePullDownRefresh: true });
