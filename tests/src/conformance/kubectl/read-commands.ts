/** The matrix's commands that read the server: explain, `auth can-i`, `auth whoami`, api-resources, logs, events. */
import { EventResource, PodResource } from '@kubeception/sdk/kube';
import { expect } from 'vitest';
import { appliesHere, VersionRules } from '../lane/server.js';
import { printed, seedConfigMap, type MatrixCommand } from './fixtures.js';

/** Table lines with their padding collapsed to one space. */
const rows = (table: string) => table.split('\n').map((line) => line.replace(/ {2,}/g, ' ').trim());

const WHOAMI_MISSING = {
  code: 1,
  stdout: '',
  stderr:
    'error: the selfsubjectreviews API is not enabled in the cluster\n' +
    'enable APISelfSubjectReview feature gate and authentication.k8s.io/v1alpha1 or authentication.k8s.io/v1beta1 API\n',
};

/** Commands that read the server. */
export const readCommands: MatrixCommand[] = [
  {
    name: 'explain',
    async run(k) {
      const explained = await k.run('explain', 'configmap.data');
      // OpenAPI v3 (kubectl's own layout) or, on servers without it, the v2 fallback: the same facts, padded differently
      expect(explained).toMatchObject({ code: 0, stderr: '' });
      expect(explained.stdout).toMatch(/^KIND: +ConfigMap\nVERSION: +v1\n\nFIELD: +data <map\[string\]string>\n/);
      expect(explained.stdout).toMatch(/DESCRIPTION:\n +Data contains the configuration data\./);
      // with OpenAPI v3, kubectl names a kind's group on a line of its own; the v2 fallback puts it in VERSION
      const certificate = appliesHere(VersionRules.openApiV3)
        ? /^KIND: +Certificate\nVERSION: +kubeception\.io\/v1alpha1\n\nFIELD: +commonName <string>\n/
        : /^GROUP: +kubeception\.io\nKIND: +Certificate\nVERSION: +v1alpha1\n\nFIELD: +commonName <string>\n/;
      expect(await k.run('explain', 'certificates.spec.commonName')).toMatchObject({ code: 0, stdout: expect.stringMatching(certificate) });
    },
  },
  {
    name: 'auth can-i',
    async run(k) {
      expect(await k.run('auth', 'can-i', 'create', 'configmaps')).toEqual(printed('yes\n'));
      expect(await k.run('auth', 'can-i', 'delete', 'certificates.kubeception.io', '--subresource=status')).toEqual(printed('yes\n'));
      const list = await k.run('auth', 'can-i', '--list');
      expect(list).toMatchObject({ code: 0, stderr: '' });
      expect(rows(list.stdout).slice(0, 3)).toEqual(['Resources Non-Resource URLs Resource Names Verbs', '*.* [] [] [*]', '[*] [] [*]']);
    },
  },
  {
    name: 'auth whoami',
    async run(k) {
      const whoami = await k.run('auth', 'whoami');
      // kubectl 1.27 asks only for v1alpha1 and v1beta1 SelfSubjectReviews, which no server serves by default
      if (k.minor < 28 || appliesHere(VersionRules.selfSubjectReview)) expect(whoami).toEqual(WHOAMI_MISSING);
      else {
        // current servers may add `Extra: …` rows (e.g. the client certificate's credential id)
        expect(whoami).toMatchObject({ code: 0, stderr: '' });
        const [header, user, groups, ...extra] = rows(whoami.stdout.trimEnd());
        expect([header, user, groups]).toEqual(['ATTRIBUTE VALUE', 'Username kubernetes-admin', 'Groups [system:masters system:authenticated]']);
        for (const row of extra) expect(row).toMatch(/^Extra: /);
      }
    },
  },
  {
    name: 'api-resources',
    async run(k) {
      expect(await k.run('api-resources', '--api-group=kubeception.io')).toEqual(
        printed(
          'NAME                     SHORTNAMES   APIVERSION                NAMESPACED   KIND\n' +
            'certificateauthorities   kca          kubeception.io/v1alpha1   true         CertificateAuthority\n' +
            'certificates             kcert        kubeception.io/v1alpha1   true         Certificate\n' +
            'clusters                 kc           kubeception.io/v1alpha1   true         Cluster\n',
        ),
      );
      expect(await k.run('api-resources', '--api-group=apps', '-o', 'name')).toEqual(
        printed('controllerrevisions.apps\ndaemonsets.apps\ndeployments.apps\nreplicasets.apps\nstatefulsets.apps\n'),
      );
    },
  },
  {
    name: 'logs',
    async run(k, kube) {
      const pod = { metadata: { name: 'logged', namespace: k.namespace }, spec: { containers: [{ name: 'main', image: 'busybox' }] } };
      (await kube.resource(PodResource).create(pod))._unsafeUnwrap();
      // a pod no node runs yet: the server has no log location and answers an empty log
      expect(await k.run('logs', 'logged')).toEqual(printed(''));
      expect(await k.run('logs', 'logged', '-c', 'main')).toEqual(printed(''));
      expect(await k.run('logs', 'logged', '-c', 'nope')).toEqual({ code: 1, stdout: '', stderr: 'error: container nope is not valid for pod logged\n' });
    },
  },
  {
    name: 'events',
    async run(k, kube) {
      await seedConfigMap(kube, k, 'evented');
      const at = '2024-01-01T00:00:00Z';
      const event = {
        metadata: { name: 'evented.1', namespace: k.namespace },
        involvedObject: { apiVersion: 'v1', kind: 'ConfigMap', name: 'evented', namespace: k.namespace },
        reason: 'Tested',
        message: 'hello there',
        type: 'Normal',
        count: 1,
        firstTimestamp: at,
        lastTimestamp: at,
        source: { component: 'conformance' },
      };
      (await kube.resource(EventResource).create(event))._unsafeUnwrap();
      expect(await k.run('events')).toEqual(
        printed('LAST SEEN   TYPE     REASON   OBJECT              MESSAGE\n<age>      Normal   Tested   ConfigMap/evented   hello there\n'),
      );
      expect(await k.run('events', '--types=Warning')).toEqual({ code: 0, stdout: '', stderr: 'No events found in <ns> namespace.\n' });
    },
  },
];
