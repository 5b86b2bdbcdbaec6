export default definePageConfig({ navigationBarTitleText: '服务队队员', enablePullDownRefresh: true });
