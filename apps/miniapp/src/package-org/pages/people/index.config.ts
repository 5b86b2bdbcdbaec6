export default definePageConfig({ navigationBarTitleText: '重点人员' });
