import { CustomError } from '../errors';

export interface Invoice {
  id: string;
  customerId: string;
  lines: { description: string; cents: number }[];
  status: 'draft' | 'open' | 'paid' | 'void';
}

/**
 * This file shows what an agent's placeholder drop looks like: the methods below `create` were
 * real code, and an agent rewriting the file replaced them with a comment standing for them.
 */
export class InvoiceService {
  private readonly invoices = new Map<string, Invoice>();

  create(customerId: string): Invoice {
    const invoice: Invoice = { id: `inv_${this.invoices.size + 1}`, customerId, lines: [], status: 'draft' };
    this.invoices.set(invoice.id, invoice);
    return invoice;
  }

  // ... (other methods unchanged)

  private require(id: string): Invoice {
    const invoice = this.invoices.get(id);
    if (!invoice) throw new CustomError("0201", "InvoiceNotFound");
    return invoice;
  }
}
