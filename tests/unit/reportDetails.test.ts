import { describe, expect, it } from 'vitest';
import { apply, LIMITS, reportOf, type Workshop } from '../../src/lib/domain';
import { facilitator, join, newWorkshop, projector, refuse, run, type Session } from './helpers';

function replay(s: Session): Workshop | null {
  return s.events.reduce<Workshop | null>((state, event) => apply(state, event), null);
}

describe('the report details the facilitator writes', () => {
  it('[EX18] whoever runs the room sets who presented, facilitated and took notes, other information and key messages; only the fields given change', () => {
    const s = newWorkshop();
    expect(reportOf(s.state)).toEqual({
      presenters: '',
      facilitators: '',
      noteTakers: '',
      otherInfo: [],
      keyMessages: [],
    });
    run(s, facilitator, {
      type: 'setReportDetails',
      presenters: '  Dre Tremblay,\n  M. Roy ',
      keyMessages: ['  Se parler tôt  ', '', '   ', 'Un seul dossier\npartagé'],
    });
    expect(s.state.report).toEqual({
      presenters: 'Dre Tremblay, M. Roy',
      facilitators: '',
      noteTakers: '',
      otherInfo: [],
      keyMessages: ['Se parler tôt', 'Un seul dossier partagé'],
    });
    run(s, { role: 'cofacilitator', linkId: 'x' } as never, {
      type: 'setReportDetails',
      noteTakers: 'Léa',
      otherInfo: ['Prochaine rencontre en mars'],
    });
    expect(s.state.report).toMatchObject({
      presenters: 'Dre Tremblay, M. Roy',
      noteTakers: 'Léa',
      otherInfo: ['Prochaine rencontre en mars'],
      keyMessages: ['Se parler tôt', 'Un seul dossier partagé'],
    });
    expect(replay(s)).toEqual(s.state);
    // The same again records nothing.
    const same = run(s, facilitator, { type: 'setReportDetails', noteTakers: ' Léa ' });
    expect(same.events).toEqual([]);
  });

  it('[EX18] participants, projectors and oversize or overlong lists are refused whole and change nothing', () => {
    const s = newWorkshop();
    const alice = join(s, 'Alice');
    refuse(s, alice, { type: 'setReportDetails', presenters: 'Alice' }, 'NOT_ALLOWED');
    refuse(s, projector, { type: 'setReportDetails', presenters: 'X' }, 'NOT_ALLOWED');
    refuse(
      s,
      facilitator,
      { type: 'setReportDetails', presenters: 'Ok', facilitators: 'x'.repeat(301) },
      'TEXT_TOO_LONG',
    );
    refuse(
      s,
      facilitator,
      { type: 'setReportDetails', keyMessages: Array.from({ length: 21 }, (_, i) => `m${i}`) },
      'TOO_MANY_REPORT_ITEMS',
    );
    refuse(
      s,
      facilitator,
      { type: 'setReportDetails', otherInfo: ['y'.repeat(LIMITS.reportItemLength + 1)] },
      'TEXT_TOO_LONG',
    );
    expect(s.state.report).toBeUndefined();
    // Twenty items, blanks aside, are fine.
    run(s, facilitator, {
      type: 'setReportDetails',
      keyMessages: [...Array.from({ length: 20 }, (_, i) => `m${i}`), '', ' '],
    });
    expect(s.state.report!.keyMessages).toHaveLength(20);
  });
});
