/** A forwarding rule of `org/routing.yaml`, checked against the org it was loaded with. */
export interface ForwardRule {
  /** The rule's name (`name:`, or `forward.<index>`): said in every forward it makes. */
  name: string;
  /** Whose mail the rule reads: the agent the mail is addressed to. */
  mailTo: string;
  /** Only mail from this sender, when given. */
  from?: string;
  /** Only mail whose subject or body holds one of these words or phrases (whole words, any case), when given. */
  about?: string[];
  /** The agent that gets a copy. */
  forwardTo: string;
}

/** Escalation of unanswered mail (`escalate:` of `org/routing.yaml`). */
export interface EscalationRule {
  /** Mail without an answer from its recipient this many turns after it was sent is raised to the recipient's manager. */
  afterTurns: number;
  /** Only mail of these priorities; absent: every priority. */
  priorities?: string[];
}

/** The routing rules an org's engine applies, as loaded and checked (journaled with a turn's plan). */
export interface RoutingRules {
  forward: ForwardRule[];
  escalate?: EscalationRule;
}

/** A valid file, shown with every problem found in one. */
export const ROUTING_EXAMPLE = [
  'forward:',
  '  - name: refunds',
  '    mail_to: support',
  '    about: [refund, invoice]',
  '    forward_to: billing',
  '  - mail_to: manager',
  '    from: human',
  '    forward_to: planner',
  'escalate:',
  '  after_turns: 3',
].join('\n');
