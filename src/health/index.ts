export { HealthBook, type CameraHealthRecorder, type CameraHealthView, type CameraHealthSummary } from './health-book';
export { HealthSeries, BUCKETS, BUCKET_MS, DROP_REASONS, AGE_BOUNDS_MS, STATE_SEVERITY, type HealthWindow, type HealthDropReason } from './health-series';
export { assessTrouble, bucketTrouble, TROUBLE_RULES, type TroubleRules, type TroubleVerdict } from './health-assessment';
