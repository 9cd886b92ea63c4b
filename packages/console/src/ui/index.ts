/** The console's shared components: import them from here. */
export { Button, type ButtonProps, type ButtonVariant } from './button.js';
export { ConfirmItemDialog, type ConfirmItemDialogProps } from './confirm-item-dialog.js';
export { CopyButton, copyText } from './copy-button.js';
export { DataTable, type Column, type DataTableProps } from './data-table.js';
export { ConfirmDialog, Dialog, type ConfirmDialogProps, type DialogProps } from './dialog.js';
export { FormDialog, type FormDialogProps } from './form-dialog.js';
export { Field, SelectField, TextField, type FieldControlProps, type FieldProps } from './field.js';
export { Notice, Toasts, toast, type NoticeKind } from './notice.js';
export { Paging, type PagingProps } from './paging.js';
export { SearchBar, type SearchBarProps } from './search-bar.js';
export { common, errorText } from './text.js';
export { useAsync, type AsyncState } from './use-async.js';
