import elkjs, { type ElkExtendedEdge, type ElkNode } from 'elkjs/lib/elk.bundled.js';
import type { Box, Point } from '../protocol.js';

/** What the layout places: boxes of a known size, joined by labelled edges. */
export interface LayoutInput {
  readonly nodes: readonly {
    readonly id: string;
    readonly width: number;
    readonly height: number;
    /** The node's ports on its right edge: how far below its top each sits. */
    readonly ports: readonly number[];
  }[];
  readonly edges: readonly {
    readonly id: string;
    readonly from: string;
    /** The port of `from` the edge leaves by; none: anywhere on its right. */
    readonly port: number | undefined;
    readonly to: string;
    readonly label: string;
  }[];
}

export interface Layout {
  readonly nodes: ReadonlyMap<string, Box>;
  readonly edges: ReadonlyMap<string, { points: Point[]; labelBox: Box | undefined }>;
  readonly width: number;
  readonly height: number;
}

/** Label boxes are measured here, before any font exists: about 7 px a character at 12 px. */
export const LABEL_CHAR_WIDTH = 7;
const LABEL_HEIGHT = 16;

/**
 * Layered, left to right, as Botpress Studio draws flows. Model order (the file's block order)
 * breaks every tie, so the same graph always gets the same picture and a small edit moves little.
 */
const OPTIONS = {
  'elk.algorithm': 'layered',
  'elk.direction': 'RIGHT',
  'elk.edgeRouting': 'ORTHOGONAL',
  'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
  'elk.layered.cycleBreaking.strategy': 'MODEL_ORDER',
  'elk.layered.crossingMinimization.forceNodeModelOrder': 'false',
  'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
  'elk.layered.spacing.nodeNodeBetweenLayers': '60',
  'elk.spacing.nodeNode': '36',
  'elk.spacing.edgeLabel': '4',
  'elk.edgeLabels.inline': 'false',
  'elk.randomSeed': '1',
  'elk.padding': '[top=24,left=24,bottom=24,right=24]',
};

// A CommonJS module: its constructor is both the module and its `default`; types know the latter.
const elk = new elkjs.default();

/** Places the nodes and routes the edges; the same input always gives the same layout. */
export async function layOut(input: LayoutInput): Promise<Layout> {
  // elkjs names nodes and ports by position (`n3`, `n3.1`): any text may be a block's id, and
  // edge ids (`from path`) always hold a space, so none of them can collide.
  const index = new Map(input.nodes.map((node, i) => [node.id, `n${i}`]));
  const elkId = (id: string) => index.get(id) ?? id;
  const graph: ElkNode = {
    id: 'root',
    layoutOptions: OPTIONS,
    children: input.nodes.map((node) => ({
      id: elkId(node.id),
      width: node.width,
      height: node.height,
      ...(node.ports.length > 0 && {
        layoutOptions: { 'elk.portConstraints': 'FIXED_POS' },
        ports: node.ports.map((y, slot) => ({
          id: `${elkId(node.id)}.${slot}`,
          x: node.width,
          y,
          width: 0,
          height: 0,
        })),
      }),
    })),
    edges: input.edges.map((edge): ElkExtendedEdge => ({
      id: edge.id,
      sources: [`${elkId(edge.from)}${edge.port === undefined ? '' : `.${edge.port}`}`],
      targets: [elkId(edge.to)],
      labels:
        edge.label === ''
          ? []
          : [{ text: edge.label, width: edge.label.length * LABEL_CHAR_WIDTH + 8, height: LABEL_HEIGHT }],
    })),
  };
  const placed = await elk.layout(graph);
  const boxes = new Map((placed.children ?? []).map((node) => [node.id, node]));
  const nodes = new Map<string, Box>(
    input.nodes.map((node) => {
      const box = boxes.get(elkId(node.id));
      return [
        node.id,
        {
          x: box?.x ?? 0,
          y: box?.y ?? 0,
          width: box?.width ?? node.width,
          height: box?.height ?? node.height,
        },
      ];
    }),
  );
  const edges = new Map(
    (placed.edges ?? []).map((edge) => {
      const section = edge.sections?.[0];
      const points = section ? [section.startPoint, ...(section.bendPoints ?? []), section.endPoint] : [];
      const label = edge.labels?.[0];
      const labelBox =
        label === undefined
          ? undefined
          : { x: label.x ?? 0, y: label.y ?? 0, width: label.width ?? 0, height: label.height ?? 0 };
      return [edge.id, { points: points.map(({ x, y }) => ({ x, y })), labelBox }];
    }),
  );
  return { nodes, edges, width: placed.width ?? 0, height: placed.height ?? 0 };
}
