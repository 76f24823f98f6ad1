import { posix } from 'path';
import { parse } from 'yaml';
import { DEFAULT_PATH_TRANSLATION, mountedFileName } from './aws-secret-provider-class';
import { SECRETS_STORE_CSI_DRIVER } from './csi-driver';
import { ROLE_ARN_ANNOTATION } from './irsa-service-account';
import { describeObject, Manifest } from './manifest-checks';
import { ManifestEntry } from './manifest-files';

/**
 * A reviewer's view of what a synth produced: the objects in apply order, and how each secret travels from AWS to
 * an environment variable. It is read back from the manifests themselves, so it shows what would be applied, not
 * what the environment file meant. Secret values never appear: the manifests do not hold any.
 */

/** One secret's way into a workload, link by link. */
export interface SecretRoute {
  /** `secretsmanager <name or ARN>`, with the jmesPath expression for one field of a JSON secret. */
  readonly source: string;
  readonly file: string;
  /** `<Secret>[<key>]` when the driver syncs the file into a Kubernetes Secret. */
  readonly syncedKey?: string;
  /** Environment variables that receive the value (through the Secret) or the file's path. */
  readonly env: string[];
}

/** A workload that mounts secrets, with the identity it reads them as. */
export interface IdentityChain {
  readonly workload: string;
  readonly serviceAccount: string;
  /** The IAM role, or how the role is found when the ServiceAccount carries no annotation. */
  readonly role: string;
  readonly trustSubject: string;
  readonly providerClass: string;
  readonly region: string;
  /** The region ASCP falls back to, if any. */
  readonly failoverRegion?: string;
  readonly routes: SecretRoute[];
}

interface AscpObject {
  objectName: string;
  objectType?: string;
  objectAlias?: string;
  jmesPath?: { path: string; objectAlias: string }[];
}

/** What the manifests cannot tell. */
export interface PlanOptions {
  /**
   * The role of the EKS Pod Identity association, which lives in AWS rather than in any manifest.
   *
   * @default - the plan says the association names the role
   */
  readonly podIdentityRoleArn?: string;
}

/** The identity chain of every workload that mounts a SecretProviderClass. */
export function identityChains(objects: readonly Manifest[], options: PlanOptions = {}): IdentityChain[] {
  const chains: IdentityChain[] = [];
  for (const owner of objects.filter(o => o.spec?.template?.spec)) {
    const pod = owner.spec.template.spec;
    const namespace = owner.metadata.namespace;
    const container = pod.containers?.[0] ?? {};
    for (const volume of (pod.volumes ?? []).filter((v: any) => v.csi?.driver === SECRETS_STORE_CSI_DRIVER)) {
      const spc = objects.find(
        o =>
          o.kind === 'SecretProviderClass' &&
          o.metadata.namespace === namespace &&
          o.metadata.name === volume.csi.volumeAttributes?.secretProviderClass,
      );
      const mount = (container.volumeMounts ?? []).find((m: any) => m.name === volume.name);
      if (spc === undefined || mount === undefined) {
        continue;
      }
      const account = objects.find(
        o =>
          o.kind === 'ServiceAccount' &&
          o.metadata.namespace === namespace &&
          o.metadata.name === pod.serviceAccountName,
      );
      const roleArn = account?.metadata.annotations?.[ROLE_ARN_ANNOTATION];
      const podIdentity = spc.spec.parameters?.usePodIdentity === 'true';
      chains.push({
        workload: describeObject(owner),
        serviceAccount: `${namespace}/${pod.serviceAccountName}`,
        role: roleArn
          ? `IAM role ${roleArn} (IRSA)`
          : podIdentity
            ? `IAM role ${options.podIdentityRoleArn ?? 'named by its EKS Pod Identity association'} ` +
              '(Pod Identity association)'
            : 'no IAM role (no annotation)',
        trustSubject:
          !roleArn && podIdentity
            ? `the association of ${namespace}/${pod.serviceAccountName}`
            : `system:serviceaccount:${namespace}:${pod.serviceAccountName}`,
        providerClass: describeObject(spc),
        region: spc.spec.parameters?.region,
        failoverRegion: spc.spec.parameters?.failoverRegion,
        routes: secretRoutes(spc, container, mount.mountPath),
      });
    }
  }
  return chains;
}

function secretRoutes(spc: Manifest, container: any, mountPath: string): SecretRoute[] {
  const translation = spc.spec.parameters?.pathTranslation ?? DEFAULT_PATH_TRANSLATION;
  const synced = (spc.spec.secretObjects ?? []).flatMap((secret: any) =>
    (secret.data ?? []).map((d: any) => ({ file: d.objectName, secret: secret.secretName, key: d.key })),
  );
  const env: any[] = container.env ?? [];

  const route = (source: string, file: string): SecretRoute => {
    const path = posix.join(mountPath, file);
    const sync = synced.find((s: any) => s.file === file);
    const readers = env
      .filter(
        e =>
          (sync && e.valueFrom?.secretKeyRef?.name === sync.secret && e.valueFrom.secretKeyRef.key === sync.key) ||
          e.value === path,
      )
      .map(e => e.name);
    return { source, file: path, syncedKey: sync ? `${sync.secret}[${sync.key}]` : undefined, env: readers };
  };

  const objects: AscpObject[] = parse(spc.spec.parameters?.objects ?? '[]') ?? [];
  return objects.flatMap(object => {
    const source = `${object.objectType ?? 'secretsmanager'} ${object.objectName}`;
    return [
      route(source, mountedFileName(object.objectAlias ?? object.objectName, translation)),
      ...(object.jmesPath ?? []).map(entry =>
        route(`${source} (jmesPath ${entry.path})`, mountedFileName(entry.objectAlias, translation)),
      ),
    ];
  });
}

/** The plan as text: objects in apply order, then each identity chain link by link. */
export function renderPlan(title: string, entries: readonly ManifestEntry[], options: PlanOptions = {}): string {
  const lines = [title, '', 'Objects, in apply order:'];
  const width = Math.max(...entries.map(e => describeObject(e.object).length));
  entries.forEach((entry, i) => {
    lines.push(`  ${String(i + 1).padStart(2)}. ${describeObject(entry.object).padEnd(width)}  ${entry.file}`);
  });

  for (const chain of identityChains(
    entries.map(e => e.object),
    options,
  )) {
    lines.push('', `Identity of ${chain.workload}:`);
    lines.push(`  pod runs as ServiceAccount ${chain.serviceAccount}`);
    lines.push(`  ServiceAccount ${chain.serviceAccount} assumes ${chain.role}, trust subject ${chain.trustSubject}`);
    const failover = chain.failoverRegion ? ` (failover ${chain.failoverRegion})` : '';
    lines.push(`  ${chain.providerClass} reads in ${chain.region}${failover}:`);
    for (const r of chain.routes) {
      const links = [
        r.source,
        r.file,
        ...(r.syncedKey ? [`Secret ${r.syncedKey}`] : []),
        ...r.env.map(e => `env ${e}`),
      ];
      lines.push(`    ${links.join(' -> ')}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** The identity chains as a Mermaid flowchart, for the README and for pull requests. */
export function renderMermaid(objects: readonly Manifest[], options: PlanOptions = {}): string {
  const ids = new Map<string, string>();
  const nodes: string[] = [];
  const edges = new Set<string>();
  const node = (label: string) => {
    if (!ids.has(label)) {
      ids.set(label, `n${ids.size}`);
      nodes.push(`  ${ids.get(label)}["${label.replace(/"/g, '#quot;')}"]`);
    }
    return ids.get(label)!;
  };
  const link = (from: string, to: string) => edges.add(`  ${node(from)} --> ${node(to)}`);

  for (const chain of identityChains(objects, options)) {
    const account = `ServiceAccount ${chain.serviceAccount}`;
    const role = `${chain.role}<br/>trust: ${chain.trustSubject}`;
    link(chain.workload, account);
    link(account, role);
    for (const r of chain.routes) {
      link(role, r.source);
      link(r.source, `file ${r.file}`);
      let last = `file ${r.file}`;
      if (r.syncedKey) {
        link(last, `Secret ${r.syncedKey}`);
        last = `Secret ${r.syncedKey}`;
      }
      for (const env of r.env) {
        link(last, `env ${env}`);
      }
    }
  }
  return ['```mermaid', 'flowchart LR', ...nodes, ...edges, '```', ''].join('\n');
}
