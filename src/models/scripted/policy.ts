// A scripted policy behind the Model interface: a deterministic program (not a model) that reads
// only the conversation it is sent and writes one CodeAct turn (reasoning + one Python block).
import type { ChatMessage, CompleteOptions, Completion, Model } from '../model.js';
import { estimatedUsage } from '../usage.js';
import { type ConversationView, readConversation } from './conversation.js';
import { planKnapsack } from './knapsack.js';
import { planNavigation } from './navigation.js';
import { planRule } from './rule-diagnosis.js';
import { type PolicyStyle, renderTurn } from './style.js';
import type { PlannedTurn } from './turn.js';

export const POLICY_NAMES = ['scripted-persistent', 'scripted-stateless'] as const;
export type PolicyName = (typeof POLICY_NAMES)[number];

export function isPolicyName(name: string): name is PolicyName {
  return (POLICY_NAMES as readonly string[]).includes(name);
}

type Family = 'knapsack' | 'navigation' | 'rule_diagnosis';

/** The family, recognised from the tools the system messages list (falling back to the goal's words). */
export function detectFamily(view: ConversationView): Family {
  const text = view.system;
  if (/\btake_item\s*\(/.test(text)) return 'knapsack';
  if (/\bmove\s*\(/.test(text)) return 'navigation';
  if (/\btest_input\s*\(/.test(text)) return 'rule_diagnosis';
  if (/node_[0-9a-f]+/.test(view.goal)) return 'navigation';
  if (/linear_int|affine_mod|probe/i.test(view.goal)) return 'rule_diagnosis';
  return 'knapsack';
}

const planners: Record<Family, (view: ConversationView) => PlannedTurn> = {
  knapsack: planKnapsack,
  navigation: planNavigation,
  rule_diagnosis: planRule,
};

export class ScriptedPolicy implements Model {
  readonly kind = 'scripted' as const;
  readonly name: PolicyName;
  readonly style: PolicyStyle;

  constructor(name: PolicyName) {
    this.name = name;
    this.style = name === 'scripted-persistent' ? 'persistent' : 'stateless';
  }

  /** The reply text for a conversation (pure: the same messages always give the same text). */
  reply(messages: readonly ChatMessage[]): string {
    const view = readConversation(messages);
    return renderTurn(planners[detectFamily(view)](view), this.style, view);
  }

  async complete(messages: ChatMessage[], _options?: CompleteOptions): Promise<Completion> {
    const text = this.reply(messages);
    return { text, finishReason: 'stop', usage: estimatedUsage(messages, text) };
  }
}
