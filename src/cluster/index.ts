export { ClusterNode, type ClusterBindings, type ClusterNodeOptions, type ClusterSettings, type ClusterState } from './cluster-node';
export { ClusterCameras, ClusterIdentities, ClusterTokens, clusterSnapshots, pendingView } from './cluster-api';
export { HandoverMarks } from './handover';
export { feedEvent } from './event-feed';
export { partitionOf, clusterTopics, SYNC_PREFIX, type ClusterTopics } from './topics';
export { PEER_HEADER, fetchFromPeers, type Via } from './peer-fetch';
