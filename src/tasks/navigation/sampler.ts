import type { NavigationConfig } from '../../formats/generator-settings.js';
import { type PyFloat, pyFloat } from '../../python/json.js';
import { PyRandom } from '../../python/random.js';
import { opaqueId } from '../opaque-id.js';

export interface NavigationInstance {
  family: 'navigation';
  seed: number;
  difficulty: { horizon_K: number; n_nodes: number; extra_nodes: number; extra_edge_factor: PyFloat };
  public: { start_node: string; goal_node: string; max_steps: number; notes: string };
  private: {
    adjacency: Record<string, string[]>;
    layer: Record<string, number>;
    one_shortest_path: string[];
  };
  reference: { shortest_path_length: number; one_shortest_path: string[] };
}

/**
 * `sample_navigation_instance(seed, cfg)` (reference-behavior.md §1.5): a layered graph whose
 * shortest start→goal path has exactly K edges, because every edge joins layers at most 1 apart.
 */
export function sampleNavigation(seed: number, cfg: NavigationConfig): NavigationInstance {
  const rng = new PyRandom(seed);
  const K = rng.randint(cfg.horizon_range[0], cfg.horizon_range[1]);
  const extraNodes = rng.randint(cfg.extra_nodes_range[0], cfg.extra_nodes_range[1]);
  const factor = rng.uniform(cfg.extra_edge_factor_range[0], cfg.extra_edge_factor_range[1]);

  const base: string[] = [];
  for (let i = 0; i <= K; i++) base.push(opaqueId(rng, 'node'));
  const start = base[0] as string;
  const goal = base[K] as string;
  const layer = new Map<string, number>(base.map((id, i) => [id, i]));
  const adjacency = new Map<string, Set<string>>(base.map((id) => [id, new Set<string>()]));
  const addEdge = (u: string, v: string) => {
    if (!adjacency.has(u)) adjacency.set(u, new Set());
    if (!adjacency.has(v)) adjacency.set(v, new Set());
    adjacency.get(u)?.add(v);
    adjacency.get(v)?.add(u);
  };
  for (let i = 0; i < K; i++) addEdge(base[i] as string, base[i + 1] as string);

  const allNodes = [...base];
  for (let e = 0; e < extraNodes; e++) {
    const id = opaqueId(rng, 'node');
    const level = rng.randint(0, Math.max(0, K - 1));
    layer.set(id, level);
    adjacency.set(id, new Set());
    allNodes.push(id);
    let candidates = allNodes.filter((x) => x !== id && Math.abs((layer.get(x) as number) - level) <= 1);
    if (candidates.length === 0) candidates = [start];
    const parent = rng.choice(candidates);
    addEdge(id, parent);
    // The second connection's coin is always drawn, even when no second candidate exists.
    if (rng.random() < 0.35) {
      const others = candidates.filter((x) => x !== parent);
      if (others.length > 0) addEdge(id, rng.choice(others));
    }
  }

  const pairs: Array<[string, string]> = [];
  for (let i = 0; i < allNodes.length; i++) {
    const u = allNodes[i] as string;
    const neighbors = adjacency.get(u) as Set<string>;
    for (let j = i + 1; j < allNodes.length; j++) {
      const v = allNodes[j] as string;
      if (neighbors.has(v)) continue;
      if (Math.abs((layer.get(u) as number) - (layer.get(v) as number)) <= 1) pairs.push([u, v]);
    }
  }
  rng.shuffle(pairs);
  const m = Math.trunc(factor * pairs.length);
  for (const [u, v] of pairs.slice(0, m)) addEdge(u, v);

  const maxSteps = Math.ceil(cfg.max_steps_multiplier * K);
  const adjacencyJson: Record<string, string[]> = {};
  for (const [id, neighbors] of adjacency) adjacencyJson[id] = [...neighbors].sort();

  return {
    family: 'navigation',
    seed,
    difficulty: {
      horizon_K: K,
      n_nodes: allNodes.length,
      extra_nodes: extraNodes,
      extra_edge_factor: pyFloat(factor),
    },
    public: {
      start_node: start,
      goal_node: goal,
      max_steps: maxSteps,
      notes: 'Graph is cyclic; environment does not track visited history.',
    },
    private: { adjacency: adjacencyJson, layer: Object.fromEntries(layer), one_shortest_path: base },
    reference: { shortest_path_length: K, one_shortest_path: base },
  };
}
