/** A Deployment the patch cases start from: containers `a` (env `X`, `Y`) and `b`, in that order. */
import type { Deployment } from '@kubeception/sdk/kube';

/** Deployment `name` in `namespace`, selecting and labelling its pods `app: <name>`. */
export function deployment(name: string, namespace: string): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: {
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [
            {
              name: 'a',
              image: 'a:1',
              env: [
                { name: 'X', value: '1' },
                { name: 'Y', value: '2' },
              ],
            },
            { name: 'b', image: 'b:1' },
          ],
        },
      },
    },
  };
}
