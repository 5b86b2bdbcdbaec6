/// <reference types="@tarojs/taro" />

declare module '*.png';
declare module '*.scss';

/** Where the API is, set at build time (empty in H5: the same origin). */
declare const API_BASE: string;

declare namespace NodeJS {
  interface ProcessEnv {
    NODE_ENV: 'development' | 'production';
    TARO_ENV: 'weapp' | 'h5';
  }
}
