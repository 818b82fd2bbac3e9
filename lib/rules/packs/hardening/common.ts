/** Container lists and workload kinds the hardening rules share. */
export const REGULAR = ['containers'] as const;
export const RUNNABLE = ['initContainers', 'containers'] as const;
export const LONG_RUNNING = ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController'];
export const REPLICATED = ['Deployment', 'StatefulSet'];
export const SYSTEM_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease']);
