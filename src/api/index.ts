export { HttpServer, type CameraView, type HttpServerOptions, type HttpState } from './http-server';
