import { LIMITS } from '$lib/domain/index';
import { joinPageData } from '$lib/server/joinPage';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params, url, request, getClientAddress }) => ({
  ...(await joinPageData(params.code, getClientAddress(), request.headers.get('x-forwarded-for'))),
  // A tap on "Join" before the scripts had run submitted the form the plain way (a GET to this
  // page): what was typed comes back in the fields, for a second tap.
  prefill: {
    name: (url.searchParams.get('name') ?? '').slice(0, LIMITS.nameLength),
    sector: (url.searchParams.get('sector') ?? '').slice(0, 64),
  },
});
