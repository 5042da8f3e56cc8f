export { LiveService, type LiveServiceOptions, type LiveLimits, type LiveState } from './live-service';
export { decideSegment, admitViewer, NEW_VIEWER, type ViewerState, type ViewerPhase, type ViewerDecision, type ViewerLimits, type SegmentInfo } from './viewer-policy';
export { pictureBoxes, livePathCamera, LIVE_CLOSE, type PictureBox } from './live-wire';
