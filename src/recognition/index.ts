export { CameraAnalyzer, type AnalysisFrame, type AnalysisListener, type AnalyzerOptions, type FrameAnalysis, type FrameDetector, type FrameSource } from './camera-analyzer';
export { FaceRecognizer, type RecognitionServices, type RecognizerDeps, type TrackOutcome, type SnapshotUrls } from './face-recognizer';
export type { RecognitionSettings } from './settings';
export { associate, affinity } from './tracker';
export { decideIdentity, shouldReport, aggregateEmbedding, wantsEmbedding, type Decision, type ViewMatch } from './identity-decision';
