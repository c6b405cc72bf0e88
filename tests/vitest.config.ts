import { defineProject } from 'vitest/config';

export default defineProject({
  ssr: { resolve: { conditions: ['@kubeception/source'] } },
  test: { name: 'tests' },
});
