/**
 * Physical constants of the T2K CC0π forward model, in GeV units (ħ = c = 1).
 *
 * @see Particle Data Group, R. L. Workman et al., PTEP 2022, 083C01 (masses, G_F, (ħc)²)
 * @see GENIE `config/CommonParam.xml` (CKM-Vud = 0.97377, QEL-FA0 = −1.267)
 */

/** Proton mass, GeV. */
export const M_PROTON = 0.93827208816;
/** Neutron mass, GeV. */
export const M_NEUTRON = 0.93956542052;
/** Average nucleon mass used in the form factors and the Llewellyn Smith formula, GeV. */
export const M_NUCLEON = 0.5 * (M_PROTON + M_NEUTRON);
/** Muon mass, GeV. */
export const M_MUON = 0.1056583755;
/** Charged pion mass, GeV (pseudoscalar form factor pole). */
export const M_PION = 0.13957039;
/** Fermi constant, GeV⁻². */
export const G_FERMI = 1.1663787e-5;
/** cos θ_Cabibbo = V_ud as in GENIE's CommonParam.xml. */
export const COS_CABIBBO = 0.97377;
/** (ħc)² in cm² GeV², to turn GeV⁻² into cm². */
export const HBARC2_CM2 = 0.389379372e-27;
/** Axial coupling g_A = F_A(0) in GENIE's sign convention (QEL-FA0). */
export const G_AXIAL = -1.267;
/** Proton and neutron magnetic moments (μ_N). */
export const MU_PROTON = 2.793;
export const MU_NEUTRON = -1.913042;
/** Vector dipole mass M_V (GeV), GENIE LwlynSmithFF / DipoleELFormFactorsModel. */
export const M_VECTOR = 0.84;
