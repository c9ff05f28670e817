/**
 * @module The app's one icon set (Lucide, bundled): every icon a page shows is picked here, by
 * its own module so only the icons in use are built. Icons are decorative (aria-hidden); the
 * control's text or aria-label names it.
 */
export { default as AnalyticsIcon } from '@lucide/svelte/icons/chart-line';
export { default as ApiIcon } from '@lucide/svelte/icons/plug';
export { default as BackIcon } from '@lucide/svelte/icons/arrow-left';
export { default as BackupIcon } from '@lucide/svelte/icons/archive';
export { default as CheckIcon } from '@lucide/svelte/icons/check';
export { default as CloseIcon } from '@lucide/svelte/icons/x';
export { default as CommandIcon } from '@lucide/svelte/icons/command';
export { default as DatasetIcon } from '@lucide/svelte/icons/database';
export { default as DownIcon } from '@lucide/svelte/icons/arrow-down';
export { default as EditIcon } from '@lucide/svelte/icons/pencil';
export { default as ErrorIcon } from '@lucide/svelte/icons/octagon-x';
export { default as EvalIcon } from '@lucide/svelte/icons/list-checks';
export { default as FewShotIcon } from '@lucide/svelte/icons/quote';
export { default as FolderIcon } from '@lucide/svelte/icons/folder';
export { default as InfoIcon } from '@lucide/svelte/icons/info';
export { default as KeyIcon } from '@lucide/svelte/icons/key-round';
export { default as LabelIcon } from '@lucide/svelte/icons/tag';
export { default as LibraryIcon } from '@lucide/svelte/icons/library';
export { default as LockIcon } from '@lucide/svelte/icons/lock';
export { default as MapIcon } from '@lucide/svelte/icons/map';
export { default as MenuIcon } from '@lucide/svelte/icons/menu';
export { default as OfflineIcon } from '@lucide/svelte/icons/wifi-off';
export { default as OnlineIcon } from '@lucide/svelte/icons/wifi';
export { default as PlayIcon } from '@lucide/svelte/icons/play';
export { default as PlusIcon } from '@lucide/svelte/icons/plus';
export { default as ProjectIcon } from '@lucide/svelte/icons/folder-kanban';
export { default as PromptIcon } from '@lucide/svelte/icons/file-text';
export { default as SearchIcon } from '@lucide/svelte/icons/search';
export { default as SecurityIcon } from '@lucide/svelte/icons/shield';
export { default as SettingsIcon } from '@lucide/svelte/icons/settings';
export { default as SyncIcon } from '@lucide/svelte/icons/refresh-cw';
export { default as SyncedIcon } from '@lucide/svelte/icons/cloud-check';
export { default as LocalIcon } from '@lucide/svelte/icons/circle-dot';
export { default as ThumbsDownIcon } from '@lucide/svelte/icons/thumbs-down';
export { default as ThumbsUpIcon } from '@lucide/svelte/icons/thumbs-up';
export { default as TrashIcon } from '@lucide/svelte/icons/trash';
export { default as UnlockIcon } from '@lucide/svelte/icons/lock-open';
export { default as UpIcon } from '@lucide/svelte/icons/arrow-up';
export { default as WarningIcon } from '@lucide/svelte/icons/triangle-alert';
export { default as WorkspaceIcon } from '@lucide/svelte/icons/users';
