export { CameraAnalyzer, type FrameAnalysis, type AnalyzerOptions } from './camera-analyzer';
