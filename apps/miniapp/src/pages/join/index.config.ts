export default definePageConfig({ navigationBarTitleText: '加入服务队' });
