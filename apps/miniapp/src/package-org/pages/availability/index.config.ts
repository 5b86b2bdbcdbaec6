export default definePageConfig({ navigationBarTitleText: '我的在岗状态' });
