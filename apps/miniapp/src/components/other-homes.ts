/**
 * The member's and the secretary's home screens, for pages/home. In WeChat they are part of the
 * home page; the browser build loads them only for those who see them (other-homes.h5.ts), so a
 * resident's first screen does not wait for the queue and the charts.
 */
export { MemberHome } from './member-home';
export { SecretaryHome } from './secretary-home';
