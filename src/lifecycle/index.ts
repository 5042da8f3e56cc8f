export { type Component, type StateChange, StateHolder, withTimeout } from './component';
