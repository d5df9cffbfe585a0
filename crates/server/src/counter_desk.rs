//! The counter's letters as PDFs, in the one place the staff API and the console both render
//! them: the proxy's inquiry letter (照会書兼回答書, with the check code, only while the case is
//! `inquiry_ready`) and the receipt (受付票, for any case, never with the check code). They are
//! rendered with the postal desk's font (`state.postal.printing`); without one, the answer
//! names what to install.

use reissue_core::counter::CaseType;
use reissue_core::counter::checklist::{self, Visit};
use reissue_core::letter::Letter;
use reissue_core::letter::counter::{InquiryNotice, ReceiptFacts, inquiry_letter, receipt};
use reissue_core::lifecycle::counter_case::CaseState;
use reissue_core::ports::counter::CaseView;
use reissue_core::procedures::Requester;
use reissue_core::procedures::counter::CounterError;
use time::OffsetDateTime;

use crate::AppState;

/// A rendered letter and the name it is downloaded under.
pub struct CounterPdf {
    pub file_name: String,
    pub bytes: Vec<u8>,
}

impl std::fmt::Debug for CounterPdf {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CounterPdf").field("file_name", &self.file_name).field("bytes", &self.bytes.len()).finish()
    }
}

/// Why a counter letter was not rendered.
#[derive(Debug, thiserror::Error)]
pub enum CounterPdfError {
    /// No Japanese font: what to install.
    #[error("letters cannot be rendered: {0}")]
    NoFont(String),
    #[error(transparent)]
    Counter(#[from] CounterError),
    /// The letter refuses its layout (an address too long for the envelope's window): the
    /// record must be corrected.
    #[error("the letter cannot be laid out: {0}")]
    Layout(String),
    /// The letter could not be written (logged; an internal failure).
    #[error("the letter could not be rendered: {0}")]
    Render(String),
}

/// What the receipt says should be brought next: for a proxy's case before its second visit,
/// that visit's list; otherwise nothing.
pub fn next_visit(state: &AppState, case: &CaseView) -> Vec<checklist::ItemKind> {
    let waiting = matches!(case.state, CaseState::InquiryReady | CaseState::AwaitingReply);
    if case.case_type == CaseType::Proxy && waiting {
        let sealed = state.recovery.counter_rules().sealed_pin_request;
        checklist::required(CaseType::Proxy, None, Visit::Second, sealed)
    } else {
        Vec::new()
    }
}

async fn render(state: &AppState, letter: Letter, file_name: String) -> Result<CounterPdf, CounterPdfError> {
    let settings = state.postal.printing.as_ref().map_err(|e| CounterPdfError::NoFont(e.clone()))?;
    let font = settings.font.clone();
    // Laying out and writing a PDF is CPU work: off the async threads.
    let bytes = tokio::task::spawn_blocking(move || reissue_letters::render(&letter, &font))
        .await
        .map_err(|e| CounterPdfError::Render(e.to_string()))?
        .map_err(|e| CounterPdfError::Layout(e.to_string()))?;
    Ok(CounterPdf { file_name, bytes })
}

/// The inquiry letter of the proxy's case `reference`, with its check code opened for this
/// printing (audited). Refused unless the case is `inquiry_ready`; the font is checked first,
/// so a server that cannot print opens no check code.
pub async fn inquiry_pdf(
    state: &AppState,
    reference: &str,
    who: &Requester,
    now: OffsetDateTime,
) -> Result<CounterPdf, CounterPdfError> {
    if let Err(e) = &state.postal.printing {
        return Err(CounterPdfError::NoFont(e.clone()));
    }
    let r = &state.recovery;
    let printed = r.inquiry_to_print(reference, who, now).await?;
    let case = &printed.case;
    let Some(to) = case.recipient.as_ref() else {
        return Err(CounterPdfError::Render(format!("case {} has no recipient", case.reference())));
    };
    let reference = case.reference();
    let notice = InquiryNotice {
        case_reference: &reference,
        check_code: &printed.check_code,
        opened_at: case.opened_at,
        reply_by: case.expires_at,
        pins: &case.pins,
        operation: case.operation,
    };
    let letter = inquiry_letter(r.catalogue(), r.institution(), &r.counter_rules().office, to, &notice)
        .map_err(|e| CounterPdfError::Render(e.to_string()))?;
    render(state, letter, format!("inquiry-{reference}.pdf")).await
}

/// The receipt of case `reference`: what was applied for and, for a proxy before the second
/// visit, when to come back and what to bring. It never carries the check code.
pub async fn receipt_pdf(
    state: &AppState,
    reference: &str,
    who: &Requester,
    now: OffsetDateTime,
) -> Result<CounterPdf, CounterPdfError> {
    if let Err(e) = &state.postal.printing {
        return Err(CounterPdfError::NoFont(e.clone()));
    }
    let r = &state.recovery;
    let case = r.counter_case(reference, who, now).await?;
    let name = r.counter_holder_name(&case).await?;
    let reference = case.reference();
    let facts = ReceiptFacts {
        case_reference: &reference,
        case_type: case.case_type,
        ground: case.ground,
        pins: &case.pins,
        operation: case.operation,
        opened_at: case.opened_at,
        expires_at: case.expires_at,
        next_visit: next_visit(state, &case),
        holder_name: name.as_ref().map(|(f, g)| (f.as_str(), g.as_str())),
    };
    let letter = receipt(r.catalogue(), r.institution(), &r.counter_rules().office, &facts)
        .map_err(|e| CounterPdfError::Render(e.to_string()))?;
    render(state, letter, format!("receipt-{reference}.pdf")).await
}

/// The PDF as an answer: shown in the browser (to print), never cached.
pub fn pdf_response(pdf: CounterPdf) -> axum::response::Response {
    use axum::http::{HeaderValue, header};
    use axum::response::IntoResponse;
    let mut resp = pdf.bytes.into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/pdf"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(v) = HeaderValue::from_str(&format!("inline; filename=\"{}\"", pdf.file_name)) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    resp
}
