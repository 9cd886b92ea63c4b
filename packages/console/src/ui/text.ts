import { ApiError } from '../api.js';
import { dictionary, format, type Language } from '../i18n.js';

/** Strings the shared components and most pages need. */
export const common = dictionary(
  {
    loading: '加载中…',
    empty: '暂无数据',
    retry: '重试',
    errorTitle: '加载失败',
    save: '保存',
    saving: '保存中…',
    cancel: '取消',
    close: '关闭',
    confirm: '确定',
    delete: '删除',
    edit: '编辑',
    create: '新建',
    search: '搜索',
    copy: '复制',
    copied: '已复制',
    copyFailed: '复制失败，请手动选择文本复制。',
    previous: '上一页',
    next: '下一页',
    pageOf: '第 {page} / {pages} 页，共 {total} 条',
    pageSize: '每页条数',
    paging: '分页',
    required: '必填',
    actions: '操作',
    readOnly: '只读：质检员可以查看，不能修改。',
    networkError: '无法连接服务器，请检查网络后重试。',
    forbidden: '没有权限执行此操作。',
    csrf: '页面已过期，请刷新后重试。',
    notFound: '找不到该内容。',
    internal: '服务器出错，请查看服务器日志。',
    rateLimited: '尝试次数过多，请稍后再试。',
  },
  {
    loading: 'Loading…',
    empty: 'Nothing here yet',
    retry: 'Retry',
    errorTitle: 'Could not load',
    save: 'Save',
    saving: 'Saving…',
    cancel: 'Cancel',
    close: 'Close',
    confirm: 'OK',
    delete: 'Delete',
    edit: 'Edit',
    create: 'New',
    search: 'Search',
    copy: 'Copy',
    copied: 'Copied',
    copyFailed: 'Could not copy; select the text and copy it by hand.',
    previous: 'Previous',
    next: 'Next',
    pageOf: 'Page {page} of {pages}, {total} in all',
    pageSize: 'Rows per page',
    paging: 'Pages',
    required: 'required',
    actions: 'Actions',
    readOnly: 'Read-only: QA staff can view but not change.',
    networkError: 'Cannot reach the server; check the network and try again.',
    forbidden: 'You may not do this.',
    csrf: 'This page has expired; reload it and try again.',
    notFound: 'Not found.',
    internal: 'The server failed; its log says what.',
    rateLimited: 'Too many attempts; wait a minute and try again.',
  },
);

/**
 * What to tell the user about an error, in their language. Cloud API errors already come in the
 * language asked for (X-TC-Language); console errors are translated by code, else shown as sent.
 */
export function errorText(error: unknown, lang: Language): string {
  const t = common[lang];
  if (!(error instanceof ApiError)) return error instanceof Error ? error.message : String(error);
  if (error.kind === 'network') return t.networkError;
  if (error.kind === 'cloud') return error.message ? `${error.message} (${error.code})` : error.code;
  switch (error.code) {
    case 'forbidden':
      return t.forbidden;
    case 'csrf':
      return t.csrf;
    case 'rate-limited':
      return t.rateLimited;
    case 'internal':
      return t.internal;
    case 'not-found':
      return lang === 'en-US' ? error.message : t.notFound;
    default:
      return error.message;
  }
}

export { format };
