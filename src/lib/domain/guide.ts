import type { Language } from './model';

/**
 * Help for the Définition stage: appreciative inquiry asks what works and what could be, not what
 * is broken. A few principles and example questions, written for health and social care teams.
 */
export const QUESTION_GUIDE: Record<
  Language,
  { principles: string[]; examples: { problem: string; question: string }[] }
> = {
  fr: {
    principles: [
      'Partir de ce qui fonctionne déjà, même en partie.',
      'Formuler un souhait positif plutôt qu’un manque à combler.',
      'Nommer les personnes concernées : équipes, partenaires, patients.',
      'Garder une question ouverte, qui invite des histoires concrètes.',
    ],
    examples: [
      {
        problem: 'Les références entre la clinique et les organismes se perdent.',
        question:
          'Quand une référence entre notre clinique et un organisme s’est bien passée, qu’est-ce qui l’a rendue possible, et comment en faire la règle ?',
      },
      {
        problem: 'Les patients partenaires participent peu aux décisions.',
        question:
          'Dans quels moments les patients partenaires ont-ils vraiment influencé nos décisions, et comment multiplier ces moments ?',
      },
      {
        problem: 'La santé publique et la première ligne travaillent en silos.',
        question:
          'Qu’est-ce qui nous aide déjà à agir ensemble, santé publique et première ligne, et à quoi ressemblerait notre meilleure collaboration ?',
      },
    ],
  },
  en: {
    principles: [
      'Start from what already works, even in part.',
      'Phrase a positive wish rather than a gap to fill.',
      'Name the people involved: teams, partners, patients.',
      'Keep the question open, so that it invites concrete stories.',
    ],
    examples: [
      {
        problem: 'Referrals between the clinic and community groups get lost.',
        question:
          'When a referral between our clinic and a community group went well, what made it possible, and how could it become the rule?',
      },
      {
        problem: 'Patient partners take little part in decisions.',
        question:
          'When did patient partners truly shape our decisions, and how could we have more of those moments?',
      },
      {
        problem: 'Public health and front-line care work in silos.',
        question:
          'What already helps public health and front-line care act together, and what would our best collaboration look like?',
      },
    ],
  },
};
