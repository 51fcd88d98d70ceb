export * from './metadata-table.js';
export * from './receive-upload.js';
export * from './content-type.js';
