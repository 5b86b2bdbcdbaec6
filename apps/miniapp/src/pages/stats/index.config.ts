export default definePageConfig({ navigationBarTitleText: '本队统计' });
