/** The pipeline's own steps (stand-ins for OCR, the validation rules and the ERP export). */
export interface Invoice {
  documentId: string;
  tenantId: string;
  supplier: string;
  amount: number;
  currency: string;
  approver: string;
}

export async function captureInvoice(invoice: Invoice): Promise<Record<string, string | number>> {
  return {
    invoice_id: `R-${invoice.documentId}`,
    supplier_name: invoice.supplier,
    total_amount: invoice.amount,
    currency: invoice.currency,
  };
}

export async function validateInvoice(fields: Record<string, string | number>): Promise<string[]> {
  return Number(fields.total_amount) > 0 ? [] : ['total_amount must be positive'];
}

export async function exportToErp(invoice: Invoice): Promise<string> {
  return `ERP-${invoice.documentId}`;
}
