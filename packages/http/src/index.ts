export { createApp, toExpressPath, type AppOptions } from './create-app.js';
export { httpStatusOf } from './error-status.js';
export { createOpenApiDocument } from './openapi.js';
export { serve, type RunningServer, type ServeOptions } from './serve.js';
