// AddressService.Parse
import { unimplemented, type HandlerContext } from '@clarity/kit';
import type { ParseRequest, ParseResponse } from '@clarity/proto/clarity/address/v1/address.js';
import type { AddressDeps } from '../server.js';

export function parseHandler(_deps: AddressDeps) {
  return async (_request: ParseRequest, _context: HandlerContext): Promise<ParseResponse> => {
    throw unimplemented('Parse', 'address parsing (issue #5)');
  };
}
